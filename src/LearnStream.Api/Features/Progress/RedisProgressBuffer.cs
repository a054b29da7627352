using System.Globalization;
using System.Threading.Channels;
using LearnStream.Api.Common;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// The buffer shared by every node: per learner and lesson a hash (base state, epoch, entry count) and a
/// list of pending beat states, plus dirty sets (all, and per learner) that the flush works from (see
/// <see cref="RedisProgressScripts"/>). Every node appends to the same list, so beats for one pair on two
/// nodes meet in one state. Keys of a pair idle for a week expire.
/// <para>
/// Two things keep a beat cheap. The beats in flight on a node go to Redis together, one script call
/// per batch, while the previous batch is out (group commit: a beat is answered only once Redis has
/// it, so a node that dies loses nothing it acknowledged). And a node remembers, per pair, the state it
/// last answered with and how many entries of the pair's epoch that state holds, so Redis sends back
/// only entries another node added since, usually none.
/// </para>
/// </summary>
public sealed class RedisProgressBuffer : IProgressBuffer, IAsyncDisposable
{
    public static readonly TimeSpan IdleExpiry = TimeSpan.FromDays(7);

    /// <summary>
    /// Pending entries a beat folds into the base by itself, so a pair beating faster than the flush
    /// interval (or while the store is down) keeps a short list for reads and flushes (a player sends one
    /// beat every 10 s, so a real pair rarely gets here).
    /// </summary>
    public const int FoldThreshold = 32;

    /// <summary>Beats sent in one script call at most; more wait for the next call.</summary>
    public const int MaxBatch = 64;

    /// <summary>Pairs whose state a node remembers; a pair it forgot costs one full read.</summary>
    public const int RememberedPairs = 50_000;

    /// <summary>A player beats every 10-15 s; a pair silent for longer is read in full when it comes back.</summary>
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);

    private static readonly long TtlSeconds = (long)IdleExpiry.TotalSeconds;

    private readonly IConnectionMultiplexer _redis;
    private readonly ProgressOptions _options;
    private readonly TimeProvider _time;
    private readonly string _prefix;
    private readonly RedisKey _dirtyKey;
    private readonly MemoryCache _pairs = new(new MemoryCacheOptions { SizeLimit = RememberedPairs });
    private readonly Channel<QueuedBeat> _queue = Channel.CreateUnbounded<QueuedBeat>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _sender;

    public RedisProgressBuffer(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<ProgressOptions> options, TimeProvider time)
    {
        _redis = redis;
        _options = options.Value;
        _time = time;
        _prefix = redisOptions.Value.InstanceName + "progress:";
        _dirtyKey = _prefix + "dirty";
        _sender = Task.Run(SendBatchesAsync);
    }

    public async Task<BufferedWrite> AddAsync(LessonProgress state, int? maxPerMinute, Func<CancellationToken, Task<LessonProgress?>> loadStored, CancellationToken cancellationToken)
    {
        var member = state.Key;
        var pair = PairOf(member, state.UserId);
        var known = pair.View;
        var queued = new QueuedBeat(pair, BufferedProgressJson.Serialize(state), maxPerMinute ?? 0, known, pair.RateKey(_time.GetUtcNow()));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(queued), this);
        // Not cancellable: once queued, the beat may be in Redis whether or not its caller still listens.
        var result = await queued.Task;
        if (result.Resp2Type != ResultType.Array)
        {
            return new BufferedWrite(null, RateLimited: true);
        }

        var parts = (RedisResult[])result!;
        var epoch = (string)parts[1]!;
        var count = (long)parts[2];
        var length = (long)parts[3];
        var threshold = _options.CompletionThreshold;
        LessonProgress merged;
        if ((long)parts[0] == 1)
        {
            merged = Merge(known!.State, (RedisResult[])parts[4]!, state, threshold);
        }
        else
        {
            var baseJson = (string?)parts[4];
            merged = Merge(string.IsNullOrEmpty(baseJson) ? null : BufferedProgressJson.Deserialize(baseJson), (RedisResult[])parts[5]!, state, threshold);
            if (string.IsNullOrEmpty(baseJson))
            {
                // The first beat of a pair (or the first after its keys expired, or after a flush trimmed
                // entries that had no base) starts from the store; later ones read the base.
                if (await loadStored(cancellationToken) is { } stored)
                {
                    merged = stored.Merge(merged, threshold);
                }
                epoch = Guid.NewGuid().ToString("N");
                if (!await SetBaseAsync(member, merged, epoch, folded: count - length))
                {
                    return new BufferedWrite(merged, RateLimited: false);
                }
            }
        }

        if (length >= FoldThreshold)
        {
            // Folds every entry up to this beat's; a compaction or another fold in between makes it a no-op.
            await CompactAsync(_redis.GetDatabase(), member, state.UserId, epoch, count - length, merged, length, clean: false);
        }
        pair.Remember(new PairView(epoch, count, merged));
        return new BufferedWrite(merged, RateLimited: false);
    }

    public async Task<LessonProgress?> PeekAsync(Guid userId, string lessonId, CancellationToken cancellationToken)
    {
        var member = LessonProgress.KeyOf(userId, lessonId);
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(RedisProgressScripts.Read, [HashKey(member), PendingKey(member)]);
        return ReadEntry(result).Merged(_options.CompletionThreshold);
    }

    /// <summary>Store failures propagate with every entry left dirty; the flusher logs them and tries again next tick.</summary>
    public async Task<int> FlushAsync(IProgressStore store, Guid? userId, CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase();
        var batchSize = _options.FlushBatchSize;
        var written = 0;
        if (userId is { } id)
        {
            var members = await db.SetMembersAsync(UserDirtyKey(id));
            foreach (var chunk in members.Chunk(batchSize))
            {
                written += (await FlushMembersAsync(db, store, chunk, cancellationToken)).Written;
            }
            return written;
        }
        // Random picks let several nodes flush side by side with little overlap; the bound keeps one tick
        // from chasing beats that keep arriving.
        var rounds = (await db.SetLengthAsync(_dirtyKey) + batchSize - 1) / batchSize + 1;
        for (var round = 0; round < rounds; round++)
        {
            var members = await db.SetRandomMembersAsync(_dirtyKey, batchSize);
            if (members.Length == 0)
            {
                break;
            }
            var (count, compacted) = await FlushMembersAsync(db, store, members, cancellationToken);
            written += count;
            if (compacted == 0)
            {
                break;
            }
        }
        return written;
    }

    /// <summary>Stops taking beats and waits for the ones queued to reach Redis.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _sender;
        _pairs.Dispose();
    }

    /// <summary>
    /// The group commit: takes every beat queued (up to <see cref="MaxBatch"/>), sends them as one
    /// script call, hands each its result, and goes on with what queued meanwhile.
    /// </summary>
    private async Task SendBatchesAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<QueuedBeat>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var beat))
            {
                batch.Add(beat);
            }
            var keys = new RedisKey[1 + batch.Count * RedisProgressScripts.KeysPerBeat];
            var args = new RedisValue[2 + batch.Count * RedisProgressScripts.ArgsPerBeat];
            keys[0] = _dirtyKey;
            args[0] = TtlSeconds;
            args[1] = batch.Count;
            for (var i = 0; i < batch.Count; i++)
            {
                var beat = batch[i];
                var k = 1 + i * RedisProgressScripts.KeysPerBeat;
                keys[k] = beat.Pair.HashKey;
                keys[k + 1] = beat.Pair.PendingKey;
                keys[k + 2] = beat.Pair.UserDirtyKey;
                keys[k + 3] = beat.RateKey;
                var a = 2 + i * RedisProgressScripts.ArgsPerBeat;
                args[a] = beat.Entry;
                args[a + 1] = beat.Pair.Member;
                args[a + 2] = beat.Limit;
                args[a + 3] = beat.Known?.Epoch ?? "";
                args[a + 4] = beat.Known?.Count ?? 0;
            }
            try
            {
                var results = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(RedisProgressScripts.Add, keys, args))!;
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var beat in batch)
                {
                    beat.TrySetException(e);
                }
            }
            batch.Clear();
        }
    }

    /// <summary>This node's slot for a pair: its Redis keys, built once, and what the node last knew of it.</summary>
    private Pair PairOf(string member, Guid userId)
    {
        if (!_pairs.TryGetValue(member, out Pair? pair))
        {
            pair = new Pair(member, HashKey(member), PendingKey(member), UserDirtyKey(userId), _prefix + "rate:" + member + ":");
            _pairs.Set(member, pair, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = RememberFor });
        }
        return pair!;
    }

    private async Task<bool> SetBaseAsync(string member, LessonProgress merged, string epoch, long folded)
    {
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(RedisProgressScripts.SetBase, [HashKey(member), PendingKey(member)],
            [BufferedProgressJson.Serialize(merged), epoch, folded, TtlSeconds]);
        return (long)result == 1;
    }

    private async Task<(int Written, int Compacted)> FlushMembersAsync(IDatabase db, IProgressStore store, RedisValue[] members, CancellationToken cancellationToken)
    {
        var batch = db.CreateBatch();
        var reads = members.Select(m => batch.ScriptEvaluateAsync(RedisProgressScripts.Read, [HashKey(m!), PendingKey(m!)])).ToList();
        batch.Execute();
        var entries = new List<(string Member, BufferEntry Entry, LessonProgress? Merged)>(members.Length);
        var threshold = _options.CompletionThreshold;
        for (var i = 0; i < members.Length; i++)
        {
            var entry = ReadEntry(await reads[i]);
            entries.Add((members[i]!, entry, entry.Merged(threshold)));
        }
        var states = entries.Where(e => e.Merged is not null).Select(e => e.Merged!).ToList();
        if (states.Count > 0)
        {
            await store.MergeAsync(states, threshold, cancellationToken);
        }
        var compactions = db.CreateBatch();
        var results = entries.Select(e => CompactAsync(compactions, e.Member, UserOf(e.Member), e.Entry.Epoch, e.Entry.Folded,
            // Without a base the merged state lacks the stored history; the next beat loads it from the store.
            e.Entry.Base is null ? null : e.Merged, e.Entry.Pending.Count, clean: true)).ToList();
        compactions.Execute();
        var compacted = 0;
        foreach (var done in results)
        {
            compacted += await done ? 1 : 0;
        }
        return (states.Count, compacted);
    }

    private async Task<bool> CompactAsync(IDatabaseAsync db, string member, Guid userId, string epoch, long folded, LessonProgress? merged, long trim, bool clean)
    {
        var result = await db.ScriptEvaluateAsync(RedisProgressScripts.Compact,
            [HashKey(member), PendingKey(member), _dirtyKey, UserDirtyKey(userId)],
            [epoch, folded, merged is null ? "" : BufferedProgressJson.Serialize(merged), trim, clean ? "1" : "0", member, TtlSeconds]);
        return (long)result == 1;
    }

    /// <summary><paramref name="earlier"/> (if any), then the entries, then <paramref name="last"/>, merged.</summary>
    private static LessonProgress Merge(LessonProgress? earlier, RedisResult[] entries, LessonProgress last, double threshold)
    {
        foreach (var entry in entries)
        {
            var next = BufferedProgressJson.Deserialize((string)entry!);
            earlier = earlier is null ? next : earlier.Merge(next, threshold);
        }
        return earlier is null ? last : earlier.Merge(last, threshold);
    }

    private static BufferEntry ReadEntry(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        var baseJson = (string?)parts[3];
        var pending = ((RedisResult[])parts[4]!).Select(p => BufferedProgressJson.Deserialize((string)p!)).ToList();
        return new BufferEntry(string.IsNullOrEmpty(baseJson) ? null : BufferedProgressJson.Deserialize(baseJson),
            (string)parts[0]!, (long)parts[1] - (long)parts[2], pending);
    }

    // Members are "{userId:N}:{lessonId}" (LessonProgress.Key).
    private static Guid UserOf(string member) => Guid.ParseExact(member.AsSpan(0, 32), "N");

    private RedisKey HashKey(string member) => _prefix + member;

    private RedisKey PendingKey(string member) => _prefix + member + ":p";

    private RedisKey UserDirtyKey(Guid userId) => $"{_prefix}dirty:{userId:N}";

    /// <summary>What this node last knew of a pair: its state holding the first <see cref="Count"/> entries of <see cref="Epoch"/>.</summary>
    private sealed record PairView(string Epoch, long Count, LessonProgress State);

    /// <summary>
    /// A pair as this node knows it: its keys and the state it last answered with. Two answers for one
    /// pair may land out of order; the one holding more entries of the epoch wins (either is exact for
    /// its count, so a lost race only costs a longer read next time).
    /// </summary>
    private sealed class Pair(string member, RedisKey hashKey, RedisKey pendingKey, RedisKey userDirtyKey, string ratePrefix)
    {
        private PairView? _view;
        private RateCounter? _rate;

        public string Member { get; } = member;
        public RedisKey HashKey { get; } = hashKey;
        public RedisKey PendingKey { get; } = pendingKey;
        public RedisKey UserDirtyKey { get; } = userDirtyKey;

        public PairView? View => Volatile.Read(ref _view);

        /// <summary>The counter of the minute <paramref name="now"/> falls in (the limit counts per minute).</summary>
        public RedisKey RateKey(DateTimeOffset now)
        {
            var minute = now.ToUnixTimeSeconds() / 60;
            var rate = Volatile.Read(ref _rate);
            if (rate is null || rate.Minute != minute)
            {
                rate = new RateCounter(minute, ratePrefix + minute.ToString(CultureInfo.InvariantCulture));
                Volatile.Write(ref _rate, rate);
            }
            return rate.Key;
        }

        public void Remember(PairView view)
        {
            if (view.Epoch.Length == 0)
            {
                return;
            }
            var current = View;
            while ((current is null || current.Epoch != view.Epoch || current.Count < view.Count)
                && Interlocked.CompareExchange(ref _view, view, current) is var seen && !ReferenceEquals(seen, current))
            {
                current = seen;
            }
        }

        private sealed record RateCounter(long Minute, RedisKey Key);
    }

    /// <summary>A beat waiting for its batch; completes with its part of the script's answer.</summary>
    private sealed class QueuedBeat(Pair pair, string entry, int limit, PairView? known, RedisKey rateKey)
        : TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Pair Pair { get; } = pair;
        public string Entry { get; } = entry;
        public int Limit { get; } = limit;
        public PairView? Known { get; } = known;
        public RedisKey RateKey { get; } = rateKey;
    }

    /// <summary>A pair as read: base (if set), epoch, entries already folded into the base, pending entries.</summary>
    private sealed record BufferEntry(LessonProgress? Base, string Epoch, long Folded, List<LessonProgress> Pending)
    {
        public LessonProgress? Merged(double threshold)
        {
            var merged = Base;
            foreach (var state in Pending)
            {
                merged = merged is null ? state : merged.Merge(state, threshold);
            }
            return merged;
        }
    }
}
