using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearnStream.Api.Features.Auth;

/// <summary>
/// Access tokens whose ES256 signature has already been verified, by exact token string. A player sends
/// the same token with every progress beat for up to 15 minutes, and verifying an ES256 signature costs
/// about 80 µs of CPU each time, more than the rest of the request. A hit skips that math and, with
/// <see cref="RememberedTokenHandler"/>, reading the string again (the entry keeps the parsed token).
/// Once the handler has validated a remembered token in full (lifetime, issuer, audience, type), the
/// entry also keeps the result, its claims as a read-only <see cref="AccessTokenIdentity"/>, and later
/// requests with the same string take it after the checks that can change between them: the token not
/// expired, its kid still naming the same key in the ring, the issuer and audience still the ones
/// validated. The session check in OnTokenValidated runs on every request.
/// </summary>
/// <remarks>
/// Only tokens that verified are remembered, so forged or garbled tokens cost their attacker a full
/// verification each time and no memory. A token maps to the key object that verified it; the entry
/// counts only while its kid still resolves to that same key in the ring, so a key taken out of the
/// ring (or replaced under the same kid) stops its tokens at once. Bounded by <c>capacity</c>: when full,
/// entries past their token's expiry are dropped, and a token that finds no room is simply verified
/// each time.
/// </remarks>
public sealed class VerifiedTokenCache(int capacity, TimeProvider time)
{
    private const string Algorithm = SecurityAlgorithms.EcdsaSha256;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SweepIntervalWhenFull = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _sweeping = new();
    private int _count;
    private long _lastSweep = time.GetTimestamp();

    public int Capacity => capacity;

    /// <summary>Entries held; never more than <see cref="Capacity"/>.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The parsed token of a remembered, unexpired token string, or null. It says nothing of the key:
    /// <see cref="ValidateSignature"/> still checks that on each use.
    /// </summary>
    public JsonWebToken? Parsed(string token) =>
        _entries.TryGetValue(token, out var entry) && entry.ExpiresAt > time.GetUtcNow() ? entry.Token : null;

    /// <summary>
    /// The remembered string equal to <paramref name="token"/>, or null. The bearer scheme hands the handler
    /// this string for a remembered token instead of a copy cut from the request's Authorization header:
    /// the same characters, without a kilobyte allocated on every request.
    /// </summary>
    public string? Remembered(ReadOnlySpan<char> token) =>
        _entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out var remembered, out _) ? remembered : null;

    /// <summary>
    /// The handler's full validation of a remembered token string, for a request with the same string, or
    /// null when the token must be validated in full: not remembered or not yet validated in full, expired,
    /// its kid no longer naming the key that verified it, or validated for another issuer or audience.
    /// </summary>
    public TokenValidationResult? Validated(string token, TokenValidationParameters parameters, SigningKeyRing keys)
    {
        if (!_entries.TryGetValue(token, out var entry) || Current(entry, parameters, keys) is not { } validation)
        {
            return null;
        }
        return new TokenValidationResult
        {
            IsValid = true,
            SecurityToken = entry.Token,
            ClaimsIdentity = validation.Identity,
            Issuer = entry.Token.Issuer,
            TokenType = entry.Token.Typ,
        };
    }

    /// <summary>
    /// The same, found by the token's characters and without building a result: what the bearer scheme
    /// takes for a request whose token the handler has validated in full before (see
    /// <see cref="RememberedBearerHandler"/>). Null under the same conditions as <see cref="Validated"/>.
    /// </summary>
    public RememberedValidation? Validated(ReadOnlySpan<char> token, TokenValidationParameters parameters, SigningKeyRing keys) =>
        _entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out var entry) ? Current(entry, parameters, keys) : null;

    private RememberedValidation? Current(Entry entry, TokenValidationParameters parameters, SigningKeyRing keys) =>
        entry.Validation is { } validation && entry.ExpiresAt > time.GetUtcNow()
            && ReferenceEquals(keys.Find(entry.Token.Kid), entry.Key)
            && string.Equals(parameters.ValidIssuer, validation.Issuer, StringComparison.Ordinal)
            && string.Equals(parameters.ValidAudience, validation.Audience, StringComparison.Ordinal)
            ? validation
            : null;

    /// <summary>
    /// Keeps the handler's successful validation of a remembered token string, when it validated the very
    /// token object the signature step returned for it, and hands back the identity every request with
    /// that string will share. Returns <paramref name="result"/>'s own identity when nothing is kept.
    /// </summary>
    public ClaimsIdentity RememberValidation(string token, TokenValidationResult result, TokenValidationParameters parameters)
    {
        if (!result.IsValid || !_entries.TryGetValue(token, out var entry) || !ReferenceEquals(entry.Token, result.SecurityToken))
        {
            return result.ClaimsIdentity;
        }
        var identity = new AccessTokenIdentity(result.ClaimsIdentity);
        var validation = new RememberedValidation(identity, SessionRevocations.SessionOf(new ClaimsPrincipal(identity)),
            parameters.ValidIssuer, parameters.ValidAudience);
        return (Interlocked.CompareExchange(ref entry.Validation, validation, null) ?? validation).Identity;
    }

    /// <summary>Whether this exact token string is remembered (for tests and diagnostics).</summary>
    internal bool Holds(string token) => _entries.ContainsKey(token);

    /// <summary>
    /// A <see cref="TokenValidationParameters.SignatureValidator"/>: the handler calls it instead of its own
    /// signature check and goes on to validate the rest of the token it returns. Throws on any failure.
    /// </summary>
    public JsonWebToken ValidateSignature(string token, SigningKeyRing keys)
    {
        // A remembered token comes back parsed: it is the same string, and parsing costs about as much as the rest of this check.
        var jwt = _entries.TryGetValue(token, out var seen) ? seen.Token : new JsonWebToken(token);
        if (jwt.IsEncrypted || !string.Equals(jwt.Alg, Algorithm, StringComparison.Ordinal))
        {
            throw new SecurityTokenInvalidAlgorithmException($"Access tokens are signed with {Algorithm}.") { InvalidAlgorithm = jwt.Alg };
        }
        // Looked up by kid on every request, hit or miss: a key dropped from the ring ends its tokens.
        if (keys.Find(jwt.Kid) is not ECDsaSecurityKey key)
        {
            throw new SecurityTokenSignatureKeyNotFoundException("The token's kid names no current signing key.");
        }
        if (seen is not null && ReferenceEquals(seen.Key, key) && seen.ExpiresAt > time.GetUtcNow())
        {
            return seen.Token;
        }
        if (!Verify(token, key))
        {
            throw new SecurityTokenInvalidSignatureException("The token's signature does not verify.");
        }
        // A remembered token whose key left the ring stays untouched: requests holding it fail on their own.
        var verified = seen is null ? jwt : new JsonWebToken(token);
        verified.SigningKey = key;
        Remember(verified, key);
        return verified;
    }

    private static bool Verify(string token, ECDsaSecurityKey key)
    {
        var dot = token.LastIndexOf('.');
        byte[] signature;
        try
        {
            signature = Base64UrlEncoder.DecodeBytes(token[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }
        // The library's provider, not key.ECDsa directly: it pools the ECDsa instances, which are not
        // documented as safe to share between threads.
        var provider = key.CryptoProviderFactory.CreateForVerifying(key, Algorithm);
        try
        {
            return provider.Verify(Encoding.UTF8.GetBytes(token, 0, dot), signature);
        }
        finally
        {
            key.CryptoProviderFactory.ReleaseSignatureProvider(provider);
        }
    }

    private void Remember(JsonWebToken jwt, ECDsaSecurityKey key)
    {
        var token = jwt.EncodedToken;
        var expiresAt = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (capacity <= 0 || expiresAt <= time.GetUtcNow())
        {
            return;
        }
        SweepIfDue(Count >= capacity ? SweepIntervalWhenFull : SweepInterval);
        // Reserve a slot first, so concurrent misses cannot take the count past the capacity.
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return;
        }
        if (!_entries.TryAdd(token, new Entry(jwt, key, expiresAt)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    // Drops entries whose token has expired. O(entries), so at most once a minute (once a second when
    // full), by one thread at a time, and only on a miss, which has just paid a whole signature check.
    private void SweepIfDue(TimeSpan interval)
    {
        if (time.GetElapsedTime(Interlocked.Read(ref _lastSweep)) < interval || !_sweeping.TryEnter())
        {
            return;
        }
        try
        {
            Interlocked.Exchange(ref _lastSweep, time.GetTimestamp());
            var now = time.GetUtcNow();
            foreach (var pair in _entries)
            {
                if (pair.Value.ExpiresAt <= now && _entries.TryRemove(pair))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            _sweeping.Exit();
        }
    }

    /// <summary>
    /// A verified token, kept parsed. The handler only reads it (claims, lifetime, issuer, audience, type)
    /// and its signing key never changes, so requests carrying the same token can share it. Validation is
    /// set once, after the handler's first full validation of it.
    /// </summary>
    private sealed class Entry(JsonWebToken token, ECDsaSecurityKey key, DateTimeOffset expiresAt)
    {
        public RememberedValidation? Validation;

        public JsonWebToken Token { get; } = token;

        public ECDsaSecurityKey Key { get; } = key;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;
    }
}

/// <summary>
/// A token's full validation as <see cref="VerifiedTokenCache"/> keeps it: the identity every request with
/// the token shares, the session its claims name (null when they name none, see
/// <see cref="SessionRevocations.SessionOf"/>), and the issuer and audience it was validated for.
/// </summary>
public sealed record RememberedValidation(AccessTokenIdentity Identity, Guid? Session, string Issuer, string Audience);
