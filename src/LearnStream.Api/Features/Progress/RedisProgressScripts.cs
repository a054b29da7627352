namespace LearnStream.Api.Features.Progress;

/// <summary>
/// The Lua side of <see cref="RedisProgressBuffer"/>. Redis cannot merge states, so a beat only appends
/// to the pair's pending list; whoever reads (a beat's answer, a flush) merges in C#. A compaction
/// folds what was read into the base and trims exactly those entries, and only while the version is the
/// one that was read, so two nodes never trim a beat that neither has merged.
/// StackExchange.Redis sends each script once and then only its hash.
/// </summary>
internal static class RedisProgressScripts
{
    /// <summary>
    /// KEYS: hash, pending list, dirty set, user's dirty set, rate counter. ARGV: state, member, limit
    /// (0: none), ttl seconds. Returns 0 when over the limit, else { base or '', version, pending }.
    /// </summary>
    public const string Add = """
        local limit = tonumber(ARGV[3])
        if limit > 0 then
          local n = redis.call('INCR', KEYS[5])
          if n == 1 then redis.call('EXPIRE', KEYS[5], 120) end
          if n > limit then return 0 end
        end
        redis.call('RPUSH', KEYS[2], ARGV[1])
        redis.call('SADD', KEYS[3], ARGV[2])
        redis.call('SADD', KEYS[4], ARGV[2])
        redis.call('EXPIRE', KEYS[1], ARGV[4])
        redis.call('EXPIRE', KEYS[2], ARGV[4])
        redis.call('EXPIRE', KEYS[4], ARGV[4])
        local h = redis.call('HMGET', KEYS[1], 'b', 'v')
        return { h[1] or '', h[2] or '0', redis.call('LRANGE', KEYS[2], 0, -1) }
        """;

    /// <summary>KEYS: hash, pending list. Returns { base or '', version, pending }.</summary>
    public const string Read = """
        local h = redis.call('HMGET', KEYS[1], 'b', 'v')
        return { h[1] or '', h[2] or '0', redis.call('LRANGE', KEYS[2], 0, -1) }
        """;

    /// <summary>
    /// KEYS: hash. ARGV: base, expected version, ttl seconds. Sets the base only when none is set and
    /// no compaction ran since the beat read the entry (the stored state it loaded may predate a flush).
    /// </summary>
    public const string SetBase = """
        local h = redis.call('HMGET', KEYS[1], 'b', 'v')
        if h[1] or (h[2] or '0') ~= ARGV[2] then return 0 end
        redis.call('HSET', KEYS[1], 'b', ARGV[1])
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    /// <summary>
    /// KEYS: hash, pending list, dirty set, user's dirty set. ARGV: expected version, merged state (''
    /// leaves the base unset), entries read, '1' to clear the dirty mark when nothing is left, member,
    /// ttl seconds. Returns 1 when it compacted, 0 when the entry moved on meanwhile.
    /// </summary>
    public const string Compact = """
        if (redis.call('HGET', KEYS[1], 'v') or '0') ~= ARGV[1] then return 0 end
        local n = tonumber(ARGV[3])
        if ARGV[2] ~= '' or n > 0 then
          if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'b', ARGV[2]) end
          redis.call('HINCRBY', KEYS[1], 'v', 1)
          redis.call('EXPIRE', KEYS[1], ARGV[6])
          redis.call('LTRIM', KEYS[2], n, -1)
        end
        if ARGV[4] == '1' and redis.call('LLEN', KEYS[2]) == 0 then
          redis.call('SREM', KEYS[3], ARGV[5])
          redis.call('SREM', KEYS[4], ARGV[5])
        end
        return 1
        """;
}
