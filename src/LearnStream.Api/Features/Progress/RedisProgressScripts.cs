namespace LearnStream.Api.Features.Progress;

/// <summary>
/// The Lua side of <see cref="RedisProgressBuffer"/>. Redis cannot merge states: a node's push either
/// replaces the base with a state that holds it and every entry, or appends to the pair's pending list;
/// whoever reads (a node, a flush) merges in C#.
/// <para>
/// Per pair, a hash holds <c>b</c> (the base: the stored state the first beat loaded, with pending
/// entries folded in since), <c>e</c> (the epoch: a token set with the first base, so a node can tell
/// that the base it knows is still the one in Redis), <c>n</c> (entries ever pushed), the rate count
/// (<c>m</c>, <c>r</c>) and <c>d</c>, set while the pair is due: in the due set and its learner's dirty
/// set, which it joins and leaves together with <c>d</c>. The pending
/// list holds the last entries; the ones before them, <c>n</c> minus the list's length ("folded"), are in
/// the base. A node that has merged the first <c>k</c> entries of an epoch asks only for the ones after
/// them, so a push usually reads back only what other nodes added.
/// </para>
/// <para>
/// A compaction folds what was read into the base and trims exactly those entries, and only while the
/// epoch and the folded count are the ones that were read, so two nodes never trim an entry that
/// neither has merged. StackExchange.Redis sends each script once and then only its hash.
/// </para>
/// </summary>
internal static class RedisProgressScripts
{
    /// <summary>A pair's pending list is its hash's key and this; <see cref="Push"/> derives it so.</summary>
    public const string PendingSuffix = ":p";

    /// <summary>
    /// Arguments before the pairs' in <see cref="Push"/>: ttl seconds, the number of pairs, the node's
    /// time in milliseconds, the prefix of the learners' dirty sets.
    /// </summary>
    public const int PushHeadArgs = 4;

    /// <summary>
    /// Arguments of one pair in <see cref="Push"/>: entry, member, beats counted, known epoch, entries known,
    /// minute, and two flag characters ('1' or '0'): the node knows the pending list empty; renew the hash's expiry.
    /// </summary>
    public const int ArgsPerPair = 7;

    /// <summary>
    /// One node's push: per pair, everything the node knows merged into one entry. KEYS: the due set,
    /// then each pair's hash; ARGV: <see cref="PushHeadArgs"/>, then <see cref="ArgsPerPair"/> per pair.
    /// A pair's pending list (its hash's key and <see cref="PendingSuffix"/>) and its learner's dirty set (the prefix and the
    /// member's first 32 characters, the learner's id) are derived here rather than sent: on this path
    /// each argument counts, and the buffer runs on one Redis (not a cluster), as the due set every pair
    /// joins already requires. A pair not yet due joins the due set with the node's time as its score; a
    /// pair already due keeps its earlier one, and its mark spares the push the due set, the dirty set and
    /// their commands. When the node has merged
    /// the base and every entry of the current epoch (the usual case: no other node pushed the pair
    /// since), its entry holds them all and replaces them as the base, so a pair beating on one node
    /// keeps one value, not a growing list. Such a push skips the list's DEL when the node knows the list
    /// is empty: only a push appends to it, and a push would have moved n past what the node knows.
    /// Otherwise the entry is appended. The hash's expiry is renewed when the node asks (at most hourly
    /// per pair, see <see cref="RedisProgressBuffer"/>) and whenever the push finds no epoch, so no hash
    /// is ever left without one. Each command saved counts: inside a script, the call around a command
    /// costs Redis more than the command.
    /// <para>
    /// Returns one result per pair. In the usual case, just the minute's rate count: the epoch held, n
    /// is the node's count plus this entry, and nothing is pending. Otherwise { 1, epoch, n, length, rate
    /// count, entries after the known ones } when the caller's epoch and count still hold, or { 2, epoch
    /// or '', n, length, rate count, base or '', every earlier pending entry }. The pair's own entry is
    /// never sent back. The hash's <c>m</c> and <c>r</c> count the beats of the latest minute on every
    /// node (a push counting an earlier minute leaves them); the rate count returned is the minute's total
    /// so far. The first write of each pair is an HSET, so a pair whose push fails keeps nothing of it.
    /// </para>
    /// </summary>
    public const string Push = $$"""
        local ttl, now, dirty = ARGV[1], ARGV[3], ARGV[4]
        local out = {}
        for i = 1, tonumber(ARGV[2]) do
          local a = 4 + (i - 1) * 7
          local hash, member = KEYS[i + 1], ARGV[a + 2]
          local list = hash .. '{{PendingSuffix}}'
          local h = redis.call('HMGET', hash, 'e', 'n', 'm', 'r', 'd')
          local epoch, n = h[1], tonumber(h[2] or '0') + 1
          local minute, counted = tonumber(ARGV[a + 6]), tonumber(ARGV[a + 3])
          local rm, rc = tonumber(h[3] or '0'), tonumber(h[4] or '0')
          local total = counted
          if minute == rm then
            rc = rc + counted
            total = rc
          elseif minute > rm then
            rm, rc = minute, counted
          end
          local known, flags = tonumber(ARGV[a + 5]), ARGV[a + 7]
          local current = epoch and epoch == ARGV[a + 4]
          if current and known == n - 1 then
            redis.call('HSET', hash, 'n', n, 'm', rm, 'r', rc, 'd', '1', 'b', ARGV[a + 1])
            if string.byte(flags, 1) ~= 49 then redis.call('DEL', list) end
            out[i] = total
          else
            redis.call('HSET', hash, 'n', n, 'm', rm, 'r', rc, 'd', '1')
            local len = redis.call('RPUSH', list, ARGV[a + 1])
            if len == 1 then redis.call('EXPIRE', list, ttl) end
            local folded = n - len
            if current and known >= folded and known < n then
              local unseen = {}
              if known < n - 1 then unseen = redis.call('LRANGE', list, known - folded, len - 2) end
              out[i] = { 1, epoch, n, len, total, unseen }
            else
              local earlier = {}
              if len > 1 then earlier = redis.call('LRANGE', list, 0, len - 2) end
              out[i] = { 2, epoch or '', n, len, total, redis.call('HGET', hash, 'b') or '', earlier }
            end
          end
          if string.byte(flags, 2) == 49 or not epoch then redis.call('EXPIRE', hash, ttl) end
          if not h[5] then
            -- Not due: it joins the due set and the learner's dirty set. A pair already due (most pairs
            -- that beat more often than the flush comes round) costs none of these commands.
            local learner = dirty .. string.sub(member, 1, 32)
            redis.call('ZADD', KEYS[1], 'NX', now, member)
            redis.call('SADD', learner, member)
            redis.call('EXPIRE', learner, ttl)
          end
        end
        return out
        """;

    /// <summary>
    /// Reads pairs. KEYS: hash and pending list of each pair. Returns per pair { epoch or '', n, length,
    /// base or '', pending, rate minute, rate count } (the minute and count 0 when none was counted).
    /// One call reads a flush's whole chunk: the call, not the commands in it, is most of what a read costs Redis.
    /// </summary>
    public const string Read = """
        local out = {}
        for k = 1, #KEYS, 2 do
          local h = redis.call('HMGET', KEYS[k], 'e', 'n', 'b', 'm', 'r')
          local pending = redis.call('LRANGE', KEYS[k + 1], 0, -1)
          out[#out + 1] = { h[1] or '', tonumber(h[2] or '0'), #pending, h[3] or '', pending, tonumber(h[4] or '0'), tonumber(h[5] or '0') }
        end
        return out
        """;

    /// <summary>
    /// KEYS: hash, pending list. ARGV: base, new epoch, folded count when read, ttl seconds. Sets the
    /// first base (the stored state merged with what was pending) only when there is still none and
    /// nothing was trimmed since the beat read the entry: a flush in between may have moved entries to
    /// the store after the beat loaded it. Returns 1 when set.
    /// </summary>
    public const string SetBase = """
        if redis.call('HEXISTS', KEYS[1], 'b') == 1 then return 0 end
        local folded = tonumber(redis.call('HGET', KEYS[1], 'n') or '0') - redis.call('LLEN', KEYS[2])
        if folded ~= tonumber(ARGV[3]) then return 0 end
        redis.call('HSET', KEYS[1], 'b', ARGV[1], 'e', ARGV[2])
        redis.call('EXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    /// <summary>Keys of one pair in <see cref="Compact"/>: hash, pending list, learner's dirty set.</summary>
    public const int CompactKeysPerPair = 3;

    /// <summary>Arguments of one pair in <see cref="Compact"/>: epoch, folded count, merged state, entries to trim, member.</summary>
    public const int CompactArgsPerPair = 5;

    /// <summary>
    /// Folds what was read into the base, per pair. KEYS: the due set, then <see cref="CompactKeysPerPair"/>
    /// per pair; ARGV: ttl seconds, the time of the read in milliseconds ('' for a fold, which leaves the
    /// due set alone), then <see cref="CompactArgsPerPair"/> per pair: epoch when read ('' for none),
    /// folded count when read, merged state ('' when there is no base to fold into, or nothing to trim),
    /// entries to trim, member. A pair left with nothing pending is no longer due (nor marked). A pair that took entries
    /// since the read stays due, as from the read at the earliest: everything before it is stored. Returns
    /// per pair 1 when it compacted and nothing is pending, 2 when it compacted and entries are pending after
    /// the ones read, 0 when the pair moved on meanwhile (its epoch or folded count is not the one read).
    /// </summary>
    public const string Compact = """
        local ttl, read = ARGV[1], ARGV[2]
        local out = {}
        for i = 0, (#KEYS - 1) / 3 - 1 do
          local k = 2 + i * 3
          local a = 3 + i * 5
          local h = redis.call('HMGET', KEYS[k], 'e', 'n')
          local len = redis.call('LLEN', KEYS[k + 1])
          local current = (h[1] or '') == ARGV[a] and tonumber(h[2] or '0') - len == tonumber(ARGV[a + 1])
          local trim = tonumber(ARGV[a + 3])
          if current and trim > 0 then
            if ARGV[a + 2] ~= '' then redis.call('HSET', KEYS[k], 'b', ARGV[a + 2]) end
            redis.call('LTRIM', KEYS[k + 1], trim, -1)
            redis.call('EXPIRE', KEYS[k], ttl)
            len = len - trim
          end
          if read ~= '' then
            if current and len == 0 then
              redis.call('ZREM', KEYS[1], ARGV[a + 4])
              redis.call('SREM', KEYS[k + 2], ARGV[a + 4])
              redis.call('HDEL', KEYS[k], 'd')
            else
              -- Moved on since the read (or entries came after it): what is not stored dates from the read.
              redis.call('ZADD', KEYS[1], 'XX', 'GT', read, ARGV[a + 4])
            end
          end
          out[i + 1] = current and (len == 0 and 1 or 2) or 0
        end
        return out
        """;
}
