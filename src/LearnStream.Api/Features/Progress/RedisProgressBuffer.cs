using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using LearnStream.Api.Common;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// The buffer shared by every node: per learner and lesson a hash (base state, epoch, entry count) and a
/// list of pending entries, plus the sets the flush works from (see <see cref="RedisProgressScripts"/>):
/// the due set, every pair with beats not yet stored, scored by when it became due, and per learner a
/// dirty set of the same pairs. Every node pushes to the same keys, so beats for one pair on two
/// nodes meet in one state. Keys of a pair idle for a week expire (an hour sooner at most: a node
/// beating a pair renews its hash's expiry hourly, not with every push).
/// <para>
/// A beat costs no Redis call in the steady state. A node keeps, per pair it serves, everything it knows
/// merged (the pair as Redis had it at the node's last exchange, plus the beats the node took since) and
/// answers from that. Every <see cref="ProgressOptions.PushIntervalMilliseconds"/> it sends each pair
/// that took beats since, its whole state as one entry, in one script call per <see cref="MaxBatch"/>
/// pairs, and gets back in the same answer what other nodes added meanwhile. When no other node pushed
/// the pair since, the state holds everything Redis has of it and replaces it, so the flush reads one
/// state per pair however many beats it took, and a flush on the node that pushed it last writes the node's
/// own state without reading it back. Merging is idempotent and commutative, so a state sent
/// again, or holding entries Redis already has, merges to the same result.
/// A pair's first beat on a node reads the pair from Redis (and, when Redis has no base, from the store).
/// </para>
/// <para>
/// What this trades: a node that dies on its own loses the beats it took in its last interval (a stop
/// pushes them first), other nodes see a node's beats one interval late, and the per-minute limit of a
/// pair beating on several nodes at once counts the other nodes' beats one interval late. While pushes
/// fail, beats are refused (503) rather than held where only this node has them.
/// </para>
/// </summary>
public sealed class RedisProgressBuffer : IProgressBuffer, IAsyncDisposable
{
    public static readonly TimeSpan IdleExpiry = TimeSpan.FromDays(7);

    /// <summary>
    /// Pending entries a push folds into the base when it finds at least this many, so a pair whose
    /// entries the flush cannot write (the store down) keeps a short list for reads and flushes.
    /// </summary>
    public const int FoldThreshold = 32;

    /// <summary>Pairs sent in one script call at most; a push sends more as several calls at once.</summary>
    public const int MaxBatch = 128;

    /// <summary>Pairs whose state a node keeps; a pair it forgot costs one full read on its next beat.</summary>
    public const int RememberedPairs = 50_000;

    /// <summary>A player beats every 10-15 s; a pair silent for longer is read in full when it comes back.</summary>
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);

    /// <summary>How often a node's pushes of a pair renew its hash's expiry: a week's keys need no renewal per beat.</summary>
    internal static readonly TimeSpan RenewExpiryEvery = TimeSpan.FromHours(1);

    private static readonly long TtlSeconds = (long)IdleExpiry.TotalSeconds;

    private readonly IConnectionMultiplexer _redis;
    private readonly ProgressOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisProgressBuffer> _logger;
    private readonly string _prefix;
    private readonly RedisKey _dueKey;
    private readonly string _dirtyPrefix;
    private readonly MemoryCache _pairs = new(new MemoryCacheOptions { SizeLimit = RememberedPairs });
    private readonly ConcurrentQueue<Pair> _unpushed = new();
    private readonly SemaphoreSlim _pushing = new(1, 1);
    private readonly List<(Pair Pair, Pair.Outgoing Out)> _taken = [];

    /// <summary>
    /// The entries of the push under way, one after another: each pushed pair's state is a slice of it, so a
    /// push allocates no array per pair. Reused by the next push (one runs at a time) once Redis has answered,
    /// and replaced after a push that failed, whose messages may still be waiting to be written.
    /// </summary>
    private ArrayBufferWriter<byte> _entries = new(EntriesCapacity);

    private const int EntriesCapacity = 64 * 1024;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _pusher;
    private volatile bool _pushFailing;
    private volatile bool _stopped;

    public RedisProgressBuffer(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<ProgressOptions> options,
        TimeProvider time, ILogger<RedisProgressBuffer> logger)
    {
        _redis = redis;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _prefix = redisOptions.Value.InstanceName + "progress:";
        // A new name with the due mark (52ade7e): an older node's flush, which takes pairs off the set without
        // clearing their mark, must not share the set with nodes that trust the mark.
        _dueKey = _prefix + "due-since";
        _dirtyPrefix = _prefix + "dirty:";
        _pusher = Task.Run(PushPeriodicallyAsync);
    }

    public async Task<BufferedWrite> AddAsync(LessonProgress state, int? maxPerMinute, Func<Guid, string, CancellationToken, Task<LessonProgress?>> loadStored, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopped, this);
        if (_pushFailing)
        {
            // Held only here, a beat would be lost with this node; the player sends it again later.
            throw new RedisException("The progress buffer cannot reach Redis.");
        }
        var pair = PairOf(state.UserId, state.LessonId);
        var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var added = pair.Add(state, maxPerMinute, minute, _options.CompletionThreshold)
            ?? await AddLoadingAsync(pair, state, maxPerMinute, minute, loadStored, cancellationToken);
        if (added is not { } taken)
        {
            return new BufferedWrite(null, RateLimited: true);
        }
        var (merged, queue) = taken;
        if (queue)
        {
            _unpushed.Enqueue(pair);
        }
        return new BufferedWrite(merged, RateLimited: merged is null);
    }

    /// <summary>
    /// A beat for a pair this node has not loaded: its first beat here, or one after a push found its base
    /// gone in Redis. Loads it (once for every beat waiting on it) and takes the beat; null when the minute
    /// is used up. Apart from <see cref="AddAsync"/>, whose usual path then makes no closure for the load.
    /// </summary>
    private async Task<(ProgressSummary? Merged, bool Queue)?> AddLoadingAsync(Pair pair, LessonProgress state, int? maxPerMinute, long minute,
        Func<Guid, string, CancellationToken, Task<LessonProgress?>> loadStored, CancellationToken cancellationToken)
    {
        (ProgressSummary? Merged, bool Queue)? added = null;
        while (added is null)
        {
            // Shared by the beats that wait on it, so a caller that gives up stops waiting without ending it.
            var (loading, mine) = pair.LoadOnce(() => LoadAsync(pair, state, maxPerMinute, minute, loadStored));
            Load outcome;
            try
            {
                outcome = await loading.WaitAsync(cancellationToken);
            }
            catch when (loading.IsFaulted)
            {
                pair.LoadEnded(loading); // the next beat tries again
                throw;
            }
            if (outcome == Load.MinuteUsedUp)
            {
                pair.LoadEnded(loading);
                return null;
            }
            // A load that had to start from this very beat took it in and counted it.
            added = pair.Add(state, maxPerMinute, minute, _options.CompletionThreshold, counted: mine && outcome == Load.WithFirst);
        }
        return added;
    }

    public async Task<LessonProgress?> PeekAsync(Guid userId, string lessonId, CancellationToken cancellationToken)
    {
        var member = LessonProgress.KeyOf(userId, lessonId);
        var read = await ReadAsync(_redis.GetDatabase(), [HashKey(member), PendingKey(member)]);
        var shared = read[0].Merged(_options.CompletionThreshold);
        // This node's own beats may not have reached Redis yet.
        var local = _pairs.TryGetValue((userId, lessonId), out Pair? pair) ? pair!.Snapshot() : null;
        return (shared, local) switch
        {
            (null, _) => local,
            (_, null) => shared,
            _ => shared.Merge(local, _options.CompletionThreshold),
        };
    }

    /// <summary>Flushes take the pairs due longest, each from one of the first windows at random, so flushes running at once mostly write different ones.</summary>
    public bool FlushesShareWork => true;

    /// <summary>Store failures propagate with every entry left dirty; the flusher logs them and tries again next tick.</summary>
    public async Task<int> FlushAsync(IProgressStore store, Guid? userId, CancellationToken cancellationToken)
    {
        // What this node took goes to Redis first, so the flush (and a read after it) holds every beat it acknowledged.
        await PushAsync();
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
        // The pairs due longest go first, so what a crash of Redis can lose is bounded by how far behind the
        // flush runs, and no pair waits behind ones that keep beating. With FlushWorkers windows to choose
        // from, flushes running at once (workers, nodes) mostly take different pairs. The bound keeps one
        // tick from chasing beats that keep arriving.
        var windows = _options.FlushWorkers;
        var rounds = (await db.SortedSetLengthAsync(_dueKey) + batchSize - 1) / batchSize + 1;
        for (var round = 0; round < rounds; round++)
        {
            var skip = (long)Random.Shared.Next(windows) * batchSize;
            var members = await db.SortedSetRangeByRankAsync(_dueKey, skip, skip + batchSize - 1);
            if (members.Length == 0 && skip > 0)
            {
                members = await db.SortedSetRangeByRankAsync(_dueKey, 0, batchSize - 1);
            }
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

    /// <summary>
    /// Sends every pair that took beats since its last push, its whole state as one entry, and merges
    /// into each pair what other nodes added. On failure the pairs stay marked to be sent again and the
    /// failure propagates (beats are refused until a push succeeds). One push at a time.
    /// </summary>
    public async Task PushAsync()
    {
        await _pushing.WaitAsync();
        var answered = false;
        try
        {
            // One list for every push (one runs at a time): at the peak a push takes thousands of pairs, and a new
            // list would grow into the large object heap, whose allocations count towards full collections.
            var taken = _taken;
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            while (_unpushed.TryDequeue(out var pair))
            {
                if (pair.TakeUnpushed(now, _entries) is { } outgoing)
                {
                    taken.Add((pair, outgoing));
                }
            }
            if (taken.Count == 0)
            {
                return;
            }
            var db = _redis.GetDatabase();
            var calls = taken.Chunk(MaxBatch).Select(chunk => (Chunk: chunk, Answer: SendAsync(db, chunk, now))).ToList();
            var threshold = _options.CompletionThreshold;
            var folds = new List<Compaction>();
            Exception? failure = null;
            foreach (var (chunk, answer) in calls)
            {
                RedisResult[] results;
                try
                {
                    results = (RedisResult[])(await answer)!;
                }
                catch (Exception e)
                {
                    failure ??= e;
                    foreach (var (pair, _) in chunk)
                    {
                        if (pair.Return())
                        {
                            _unpushed.Enqueue(pair);
                        }
                    }
                    continue;
                }
                for (var i = 0; i < chunk.Length; i++)
                {
                    var (pair, outgoing) = chunk[i];
                    var (epoch, count, length, fold) = pair.Pushed(outgoing, results[i], threshold);
                    if (fold is not null)
                    {
                        // Folds every entry up to this push's; a compaction or another fold in between makes it a no-op.
                        folds.Add(new Compaction(pair.Member, outgoing.UserId, epoch, count - length, fold, length));
                    }
                }
            }
            answered = failure is null; // every call's message has been written: the entries may be overwritten
            if (folds.Count > 0)
            {
                await CompactAsync(db, folds, readAt: null);
            }
            if (failure is not null)
            {
                if (!_pushFailing)
                {
                    _logger.LogWarning("Progress beats cannot reach Redis ({Error}); beats are refused until a push succeeds", failure.GetType().Name);
                }
                _pushFailing = true;
                ExceptionDispatchInfo.Throw(failure);
            }
            _pushFailing = false;
        }
        finally
        {
            _taken.Clear(); // the pairs are not kept until the next push
            if (answered || _entries.WrittenCount == 0)
            {
                _entries.ResetWrittenCount();
            }
            else
            {
                _entries = new ArrayBufferWriter<byte>(EntriesCapacity);
            }
            _pushing.Release();
        }
    }

    /// <summary>Stops taking beats and sends the ones taken to Redis.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await _stopping.CancelAsync();
        await _pusher;
        try
        {
            await PushAsync();
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            _logger.LogError("Progress beats taken in the last {Interval} ms could not reach Redis at stop ({Error})",
                _options.PushIntervalMilliseconds, e.GetType().Name);
        }
        _pairs.Dispose();
        _stopping.Dispose();
    }

    private async Task PushPeriodicallyAsync()
    {
        var interval = TimeSpan.FromMilliseconds(_options.PushIntervalMilliseconds);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await PushAsync();
            }
            catch (Exception e)
            {
                // Beats stay for the next push; Redis failures are logged by the push itself.
                if (e is not (RedisException or RedisTimeoutException))
                {
                    _logger.LogError("Progress push failed ({Error})", e.GetType().Name);
                }
            }
        }
    }

    /// <summary>The push's two flag characters per pair: the node knows the pending list empty; renew the hash's expiry.</summary>
    private static readonly RedisValue[] PushFlags = ["00", "01", "10", "11"];

    /// <summary>
    /// One script call for a chunk of pairs. KEYS and ARGV as <see cref="RedisProgressScripts.Push"/> reads them.
    /// </summary>
    private Task<RedisResult> SendAsync(IDatabaseAsync db, (Pair Pair, Pair.Outgoing Out)[] chunk, long now)
    {
        var keys = new RedisKey[1 + chunk.Length];
        var args = new RedisValue[RedisProgressScripts.PushHeadArgs + chunk.Length * RedisProgressScripts.ArgsPerPair];
        keys[0] = _dueKey;
        args[0] = TtlSeconds;
        args[1] = chunk.Length;
        args[2] = now;
        args[3] = _dirtyPrefix;
        for (var i = 0; i < chunk.Length; i++)
        {
            var (pair, outgoing) = chunk[i];
            keys[1 + i] = pair.HashKey;
            var a = RedisProgressScripts.PushHeadArgs + i * RedisProgressScripts.ArgsPerPair;
            args[a] = _entries.WrittenMemory.Slice(outgoing.EntryStart, outgoing.EntryLength);
            args[a + 1] = pair.Member;
            args[a + 2] = outgoing.Counted;
            args[a + 3] = outgoing.Epoch;
            args[a + 4] = outgoing.Count;
            args[a + 5] = outgoing.Minute;
            args[a + 6] = PushFlags[(outgoing.ListEmpty ? 2 : 0) + (outgoing.RenewExpiry ? 1 : 0)];
        }
        return db.ScriptEvaluateAsync(RedisProgressScripts.Push, keys, args);
    }

    /// <summary>
    /// A pair's first beat on this node: the pair as Redis has it; when Redis holds no base yet, the stored
    /// state merged with what is pending becomes the base. Only when neither exists (the pair's first beat
    /// anywhere) does the beat itself start the base, counted against the minute's limit right here, or
    /// refused without a trace when the minute is used up: a beat over the limit changes nothing.
    /// </summary>
    private async Task<Load> LoadAsync(Pair pair, LessonProgress first, int? maxPerMinute, long minute, Func<Guid, string, CancellationToken, Task<LessonProgress?>> loadStored)
    {
        var db = _redis.GetDatabase();
        var threshold = _options.CompletionThreshold;
        for (var attempt = 1; ; attempt++)
        {
            var read = (await ReadAsync(db, [pair.HashKey, pair.PendingKey]))[0];
            var merged = read.Merged(threshold);
            // The minute's count so far on every node, so a node new to a beating pair starts from it.
            var counted = read.RateMinute == minute ? read.RateCount : 0;
            if (read.Base is not null)
            {
                pair.Loaded(read.Epoch, read.Folded, read.Pending.Count, merged!, minute, counted, withFirst: false, threshold);
                return Load.Done;
            }
            // The first beat of a pair (or the first after its keys expired, or after a flush trimmed
            // entries that had no base) starts from the store; later ones read the base.
            if (await loadStored(first.UserId, first.LessonId, CancellationToken.None) is { } stored)
            {
                merged = merged is null ? stored : stored.Merge(merged, threshold);
            }
            var withFirst = merged is null;
            if (withFirst && counted >= maxPerMinute)
            {
                return Load.MinuteUsedUp;
            }
            merged ??= first;
            var epoch = Guid.NewGuid().ToString("N");
            if (await SetBaseAsync(pair.Member, merged, epoch, read.Folded) || attempt == 3)
            {
                // Three lost races in a row: answer from what was read; the next push brings the rest.
                pair.Loaded(epoch, read.Folded, read.Pending.Count, merged, minute, counted, withFirst, threshold);
                return withFirst ? Load.WithFirst : Load.Done;
            }
        }
    }

    /// <summary>
    /// This node's slot for a pair: its Redis keys, built once, and what the node knows of it. Remembered by
    /// learner and lesson, so a beat finds its pair without building the member's text.
    /// </summary>
    private Pair PairOf(Guid userId, string lessonId)
    {
        if (!_pairs.TryGetValue((userId, lessonId), out Pair? pair))
        {
            var member = LessonProgress.KeyOf(userId, lessonId);
            pair = new Pair(member, userId, HashKey(member), PendingKey(member));
            _pairs.Set((userId, lessonId), pair, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = RememberFor });
        }
        return pair!;
    }

    private async Task<bool> SetBaseAsync(string member, LessonProgress merged, string epoch, long folded)
    {
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(RedisProgressScripts.SetBase, [HashKey(member), PendingKey(member)],
            [BufferedProgressJson.Serialize(merged), epoch, folded, TtlSeconds]);
        return (long)result == 1;
    }

    /// <summary>
    /// Writes pairs to the store and compacts them. A pair this node holds settled (see <see cref="Pair.Settled"/>)
    /// is written from what the node knows, without reading it back; the others are read from Redis. A settled
    /// pair whose compaction finds that Redis moved past what the node knew (another node pushed to it) is
    /// flushed again from Redis right away, so a learner's flush still writes what every node acknowledged.
    /// </summary>
    private async Task<(int Written, int Compacted)> FlushMembersAsync(IDatabase db, IProgressStore store, RedisValue[] members, CancellationToken cancellationToken,
        bool fromNode = true)
    {
        // Entries pushed after this are not in what the flush writes: the compaction keeps such a pair due from here.
        var readAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var settled = new List<(Pair Pair, Pair.Known Known)>();
        var unknown = new List<string>();
        foreach (var m in members)
        {
            var member = (string)m!;
            if (fromNode && _pairs.TryGetValue((UserOf(member), LessonOf(member)), out Pair? pair) && pair!.Settled() is { } known)
            {
                settled.Add((pair, known));
            }
            else
            {
                unknown.Add(member);
            }
        }
        // One script call per chunk, all of them sent at once.
        var reads = unknown.Chunk(MaxBatch)
            .Select(chunk => ReadAsync(db, [.. chunk.SelectMany(m => new[] { HashKey(m), PendingKey(m) })]))
            .ToList();
        var entries = new List<(string Member, BufferEntry Entry, LessonProgress? Merged)>(unknown.Count);
        var threshold = _options.CompletionThreshold;
        foreach (var read in reads)
        {
            foreach (var entry in await read)
            {
                entries.Add((unknown[entries.Count], entry, entry.Merged(threshold)));
            }
        }
        var states = settled.Select(s => s.Known.State).Concat(entries.Where(e => e.Merged is not null).Select(e => e.Merged!)).ToList();
        if (states.Count > 0)
        {
            await store.MergeAsync(states, threshold, cancellationToken);
        }
        // Nothing to trim for a settled pair: it compacts (leaves the due set) only if Redis still holds exactly what the node knew.
        var results = await CompactAsync(db, [
            .. settled.Select(s => new Compaction(s.Pair.Member, UserOf(s.Pair.Member), s.Known.Epoch, s.Known.Count, null, 0)),
            .. entries.Select(e => new Compaction(e.Member, UserOf(e.Member), e.Entry.Epoch, e.Entry.Folded,
                // Without a base the merged state lacks the stored history; the next beat loads it from the store.
                e.Entry.Base is null ? null : e.Merged, e.Entry.Pending.Count))], readAt);
        var behind = new List<RedisValue>();
        for (var i = 0; i < settled.Count; i++)
        {
            if (results[i] != Compacted.Settled)
            {
                settled[i].Pair.Unsettle(settled[i].Known);
                behind.Add(settled[i].Pair.Member);
            }
        }
        var compacted = results.Skip(settled.Count).Count(r => r != Compacted.MovedOn) + settled.Count - behind.Count;
        if (behind.Count == 0)
        {
            return (states.Count, compacted);
        }
        var again = await FlushMembersAsync(db, store, [.. behind], cancellationToken, fromNode: false);
        return (states.Count - behind.Count + again.Written, compacted + again.Compacted);
    }

    /// <summary>Reads pairs (KEYS as <see cref="RedisProgressScripts.Read"/> takes them), one entry per pair in order.</summary>
    private static async Task<List<BufferEntry>> ReadAsync(IDatabaseAsync db, RedisKey[] keys)
    {
        var pairs = (RedisResult[])(await db.ScriptEvaluateAsync(RedisProgressScripts.Read, keys))!;
        var entries = new List<BufferEntry>(pairs.Length);
        foreach (var pair in pairs)
        {
            var parts = (RedisResult[])pair!;
            var baseJson = (byte[]?)parts[3];
            var pending = ((RedisResult[])parts[4]!).Select(p => BufferedProgressJson.Deserialize((byte[])p!)).ToList();
            entries.Add(new BufferEntry(baseJson is not { Length: > 0 } ? null : BufferedProgressJson.Deserialize(baseJson),
                (string)parts[0]!, (long)parts[1] - (long)parts[2], pending, (long)parts[5], (long)parts[6]));
        }
        return entries;
    }

    /// <summary>
    /// Folds what was read into each pair's base and trims those entries, one script call per <see cref="MaxBatch"/>
    /// pairs, all sent at once. A flush's compaction (<paramref name="readAt"/> set: when it read the pairs) also
    /// takes a pair left with nothing pending off the due set, and keeps one that took entries since as due
    /// from the read; a push's fold leaves the due set alone. Returns each pair's outcome, in order.
    /// </summary>
    private async Task<Compacted[]> CompactAsync(IDatabaseAsync db, IReadOnlyList<Compaction> compactions, long? readAt)
    {
        var calls = compactions.Chunk(MaxBatch).Select(chunk =>
        {
            var keys = new RedisKey[1 + chunk.Length * RedisProgressScripts.CompactKeysPerPair];
            var args = new RedisValue[2 + chunk.Length * RedisProgressScripts.CompactArgsPerPair];
            keys[0] = _dueKey;
            args[0] = TtlSeconds;
            args[1] = readAt is { } at ? at : RedisValue.EmptyString;
            for (var i = 0; i < chunk.Length; i++)
            {
                var c = chunk[i];
                var k = 1 + i * RedisProgressScripts.CompactKeysPerPair;
                keys[k] = HashKey(c.Member);
                keys[k + 1] = PendingKey(c.Member);
                keys[k + 2] = UserDirtyKey(c.UserId);
                var a = 2 + i * RedisProgressScripts.CompactArgsPerPair;
                args[a] = c.Epoch;
                args[a + 1] = c.Folded;
                // With nothing to trim the base stays as it is (usually the case: a push replaced it), so it is not sent.
                args[a + 2] = c.Merged is not null && c.Trim > 0 ? BufferedProgressJson.Serialize(c.Merged) : RedisValue.EmptyString;
                args[a + 3] = c.Trim;
                args[a + 4] = c.Member;
            }
            return db.ScriptEvaluateAsync(RedisProgressScripts.Compact, keys, args);
        }).ToList();
        var outcomes = new List<Compacted>(compactions.Count);
        foreach (var call in calls)
        {
            outcomes.AddRange(((RedisResult[])(await call)!).Select(r => (Compacted)(long)r));
        }
        return [.. outcomes];
    }

    // Members are "{userId:N}:{lessonId}" (LessonProgress.Key).
    private static Guid UserOf(string member) => Guid.ParseExact(member.AsSpan(0, 32), "N");

    private static string LessonOf(string member) => member[33..];

    private RedisKey HashKey(string member) => _prefix + member;

    private RedisKey PendingKey(string member) => _prefix + member + RedisProgressScripts.PendingSuffix;

    private RedisKey UserDirtyKey(Guid userId) => $"{_dirtyPrefix}{userId:N}";

    /// <summary>
    /// A pair as this node knows it: its keys; everything it knows merged, in place (a <see cref="MergedProgress"/>:
    /// a beat changes it rather than replacing it with a state the GC would have to carry), which
    /// holds the first <c>Count</c> entries of the pair's epoch in Redis; whether the pending list was
    /// empty then (it can only have shrunk since, unless the count moved on); when its pushes last renewed
    /// the hash's expiry; whether it took beats since its last push; and this minute's count of beats, as
    /// Redis had it plus the ones taken here since.
    /// </summary>
    private sealed class Pair(string member, Guid userId, RedisKey hashKey, RedisKey pendingKey)
    {
        private readonly Lock _gate = new();
        private Task<Load>? _loading;
        private MergedProgress? _state;
        private string _epoch = "";
        private long _count;
        private bool _listEmpty;
        private long? _expiryRenewedAt;
        private bool _unpushed;
        private bool _stale;
        private bool _queued;
        private long _minute;
        private int _countedHere;
        private long _countedInRedis;

        public string Member { get; } = member;
        public RedisKey HashKey { get; } = hashKey;
        public RedisKey PendingKey { get; } = pendingKey;

        /// <summary>What the node knows of the pair, as a state of its own; null before it is loaded.</summary>
        public LessonProgress? Snapshot()
        {
            lock (_gate)
            {
                return _state?.ToState();
            }
        }

        /// <summary>
        /// The load every beat waiting on this pair shares, started by <paramref name="load"/> if none is
        /// under way; Mine is true for the caller whose call started it.
        /// </summary>
        public (Task<Load> Loading, bool Mine) LoadOnce(Func<Task<Load>> load)
        {
            lock (_gate)
            {
                var mine = _loading is null;
                _loading ??= load();
                return (_loading, mine);
            }
        }

        /// <summary>A load that failed, or could not load for the minute being used up: the next beat starts another.</summary>
        public void LoadEnded(Task<Load> loading)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_loading, loading))
                {
                    _loading = null;
                }
            }
        }

        /// <summary>The pair as read; <paramref name="withFirst"/> when the state holds the loading beat, which then counts now.</summary>
        public void Loaded(string epoch, long folded, long length, LessonProgress state, long minute, long counted, bool withFirst, double threshold)
        {
            lock (_gate)
            {
                (_epoch, _count, _listEmpty, _stale) = (epoch, folded + length, length == 0, false);
                if (minute != _minute)
                {
                    (_minute, _countedHere) = (minute, 0);
                }
                _countedInRedis = counted;
                if (withFirst)
                {
                    _countedHere++; // the beat is in the base already; the count goes with the next push
                }
                // Read again after Redis lost the pair's base: what the node knew still counts.
                if (_state is null)
                {
                    _state = new MergedProgress(state);
                }
                else
                {
                    _state.Merge(state, threshold);
                }
            }
        }

        /// <summary>
        /// Takes a beat within the limit: the merged state (null when over the limit) and whether the pair
        /// must join the push queue. Null when the pair is not loaded. <paramref name="counted"/>: the load
        /// already took this beat in and counted it.
        /// </summary>
        public (ProgressSummary? Merged, bool Queue)? Add(LessonProgress beat, int? maxPerMinute, long minute, double threshold, bool counted = false)
        {
            lock (_gate)
            {
                if (_state is null || _stale)
                {
                    return null;
                }
                if (minute != _minute)
                {
                    (_minute, _countedHere, _countedInRedis) = (minute, 0, 0);
                }
                if (maxPerMinute is { } max && !counted)
                {
                    if (_countedInRedis + _countedHere >= max)
                    {
                        return (null, false);
                    }
                    _countedHere++;
                }
                _state.Merge(beat, threshold);
                var merged = _state.Summary;
                _unpushed = true;
                var queue = !_queued;
                _queued = true;
                return (merged, queue);
            }
        }

        /// <summary>What a push at <paramref name="now"/> (Unix ms) sends for this pair, or null when nothing is waiting.</summary>
        public Outgoing? TakeUnpushed(long now, ArrayBufferWriter<byte> entries)
        {
            lock (_gate)
            {
                _queued = false;
                if (!_unpushed || _state is not { } state)
                {
                    return null;
                }
                _unpushed = false;
                var renew = _expiryRenewedAt is not { } renewed || now - renewed >= (long)RenewExpiryEvery.TotalMilliseconds;
                if (renew)
                {
                    _expiryRenewedAt = now;
                }
                // The whole state, not just the new beats: one merge per beat instead of two, and a resent or
                // repeated entry merges to the same state. Written now, under the lock, since beats change it in place.
                var start = entries.WrittenCount;
                return new Outgoing(start, state.SerializeInto(entries), userId, _epoch, _count, _minute, _countedHere, _listEmpty, renew);
            }
        }

        /// <summary>
        /// What the node knows of the pair when it is settled: loaded, its epoch known and its pending list
        /// empty as of the node's last exchange with Redis. Then Redis's base at that epoch and count is an
        /// entry the node merged, and <see cref="Known.State"/> holds it (and any beats taken since), so a
        /// flush can write it without reading the pair back. Null otherwise.
        /// </summary>
        public Known? Settled()
        {
            lock (_gate)
            {
                return _state is { } state && !_stale && _listEmpty && _epoch.Length > 0 ? new Known(_epoch, _count, state.ToState()) : null;
            }
        }

        /// <summary>A flush found Redis past what the node knew: until the node learns the pair again, flushes read it.</summary>
        public void Unsettle(Known known)
        {
            lock (_gate)
            {
                if (_epoch == known.Epoch && _count == known.Count)
                {
                    _listEmpty = false;
                }
            }
        }

        /// <summary>A push that failed marks the pair to be sent again; true when it must join the queue again.</summary>
        public bool Return()
        {
            lock (_gate)
            {
                // The state only grows, so it still holds what failed to go: the next push sends it, and renews the expiry.
                _unpushed = true;
                _expiryRenewedAt = null;
                var queue = !_queued;
                _queued = true;
                return queue;
            }
        }

        /// <summary>
        /// Merges the push's answer: the rate count alone (the usual case: the epoch held, n is one past the
        /// node's count, nothing pending), { 1, epoch, n, length, rate count, entries after the known ones } or
        /// { 2, epoch or '', n, length, rate count, base or '', every earlier pending entry }. Returns the
        /// pair's epoch, entry count and pending length, and, once the list is <see cref="FoldThreshold"/> long,
        /// the state holding them all to fold into the base (null otherwise, and when the pair has no base in
        /// Redis: then the next beat reads it again).
        /// </summary>
        public (string Epoch, long Count, long Length, LessonProgress? Fold) Pushed(Outgoing outgoing, RedisResult result, double threshold)
        {
            if (result.Resp2Type == ResultType.Integer)
            {
                // The usual answer: the epoch held and nothing is pending, so the entry just sent is the base.
                lock (_gate)
                {
                    CountedInRedis(outgoing, (long)result);
                    (_epoch, _count, _listEmpty) = (outgoing.Epoch, outgoing.Count + 1, true);
                    return (_epoch, _count, 0, null);
                }
            }
            var parts = (RedisResult[])result!;
            var epoch = (string)parts[1]!;
            var count = (long)parts[2];
            var length = (long)parts[3];
            var counted = (long)parts[4];
            var full = (long)parts[0] == 2;
            var baseJson = full ? (byte[]?)parts[5] : null;
            var entries = (RedisResult[])parts[full ? 6 : 5]!;
            lock (_gate)
            {
                CountedInRedis(outgoing, counted);
                if (full && baseJson is not { Length: > 0 })
                {
                    // Redis lost the base (keys expired, or a flush trimmed entries that had none): read again on the next beat.
                    (_epoch, _count, _loading, _stale, _expiryRenewedAt) = ("", 0, null, true, null);
                    return (epoch, count, length, null);
                }
                // Loaded before it was taken for the push, so there is a state to merge into.
                var merged = _state!;
                if (full)
                {
                    merged.Merge(BufferedProgressJson.Deserialize(baseJson!), threshold);
                }
                foreach (var entry in entries)
                {
                    merged.Merge(BufferedProgressJson.Deserialize((byte[])entry!), threshold);
                }
                (_epoch, _count, _listEmpty) = (epoch, count, length == 0);
                return (epoch, count, length, length >= FoldThreshold ? merged.ToState() : null);
            }
        }

        /// <summary>The minute's count in Redis after a push, which took this node's count of the pushed beats.</summary>
        private void CountedInRedis(Outgoing outgoing, long counted)
        {
            if (_minute == outgoing.Minute)
            {
                _countedInRedis = counted;
                _countedHere -= outgoing.Counted;
            }
        }

        /// <summary>What a settled pair's node knows of it: the epoch and entry count it holds, and its state.</summary>
        public sealed record Known(string Epoch, long Count, LessonProgress State);

        /// <summary>
        /// One push's share of a pair: its beats merged (the state's JSON, where it lies in the push's entries),
        /// what the node knew of the epoch and its pending list, the beats it counted in the minute,
        /// and whether this push renews the expiry.
        /// </summary>
        public sealed record Outgoing(int EntryStart, int EntryLength, Guid UserId, string Epoch, long Count, long Minute, int Counted, bool ListEmpty, bool RenewExpiry);
    }

    /// <summary>How a pair's load ended: loaded; loaded from the loading beat itself, which it counted; or refused, the minute being used up.</summary>
    private enum Load
    {
        Done,
        WithFirst,
        MinuteUsedUp,
    }

    /// <summary>
    /// How a pair's compaction ended (<see cref="RedisProgressScripts.Compact"/>'s answer): it moved on since it was
    /// read; compacted, nothing pending; compacted, with entries pending after the ones read.
    /// </summary>
    private enum Compacted
    {
        MovedOn = 0,
        Settled = 1,
        Pending = 2,
    }

    /// <summary>A pair's compaction: what was read of it (epoch, entries folded), the state merged from it (null: no base to fold into), and the entries to trim.</summary>
    private sealed record Compaction(string Member, Guid UserId, string Epoch, long Folded, LessonProgress? Merged, long Trim);

    /// <summary>A pair as read: base (if set), epoch, entries already folded into the base, pending entries, and the latest minute's beats.</summary>
    private sealed record BufferEntry(LessonProgress? Base, string Epoch, long Folded, List<LessonProgress> Pending, long RateMinute, long RateCount)
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
