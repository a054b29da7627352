using LearnStream.Api.Common;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// The buffer shared by every node: per learner and lesson a hash (<c>b</c>: base state, <c>v</c>:
/// compaction version) and a list of pending beat states, plus dirty sets (all, and per learner) that
/// the flush works from. A beat is one script call; every node merges the same list, so beats for one
/// pair on two nodes meet in one state. Keys of a pair idle for a week expire.
/// </summary>
public sealed class RedisProgressBuffer(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<ProgressOptions> options,
    TimeProvider time) : IProgressBuffer
{
    public static readonly TimeSpan IdleExpiry = TimeSpan.FromDays(7);

    /// <summary>
    /// Pending states a beat folds into the base by itself. Every beat reads and merges the whole list,
    /// so a short list keeps a beat's cost flat for a pair beating faster than the flush interval (a
    /// player sends one beat every 10 s, so a real pair rarely gets here).
    /// </summary>
    public const int FoldThreshold = 4;

    private static readonly long TtlSeconds = (long)IdleExpiry.TotalSeconds;
    private readonly string _prefix = redisOptions.Value.InstanceName + "progress:";

    private RedisKey DirtyKey => _prefix + "dirty";

    public async Task<BufferedWrite> AddAsync(LessonProgress state, int? maxPerMinute, Func<CancellationToken, Task<LessonProgress?>> loadStored, CancellationToken cancellationToken)
    {
        var member = state.Key;
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var db = redis.GetDatabase();
        var result = await db.ScriptEvaluateAsync(RedisProgressScripts.Add,
            [HashKey(member), PendingKey(member), DirtyKey, UserDirtyKey(state.UserId), $"{_prefix}rate:{member}:{minute}"],
            [BufferedProgressJson.Serialize(state), member, maxPerMinute ?? 0, TtlSeconds]);
        if (result.Resp2Type != ResultType.Array)
        {
            return new BufferedWrite(null, RateLimited: true);
        }
        var entry = ReadEntry(result);
        var merged = entry.Merged(options.Value.CompletionThreshold)!;
        if (entry.Base is null)
        {
            // The first beat of a pair (or the first after its keys expired) starts from the store; later ones read the base.
            var stored = await loadStored(cancellationToken);
            if (stored is not null)
            {
                merged = stored.Merge(merged, options.Value.CompletionThreshold);
            }
            await db.ScriptEvaluateAsync(RedisProgressScripts.SetBase, [HashKey(member)],
                [BufferedProgressJson.Serialize(merged), entry.Version, TtlSeconds]);
        }
        else if (entry.Pending.Count >= FoldThreshold)
        {
            await Compact(db, member, state.UserId, entry.Version, merged, entry.Pending.Count, clean: false);
        }
        return new BufferedWrite(merged, RateLimited: false);
    }

    public async Task<LessonProgress?> PeekAsync(Guid userId, string lessonId, CancellationToken cancellationToken)
    {
        var member = LessonProgress.KeyOf(userId, lessonId);
        var result = await redis.GetDatabase().ScriptEvaluateAsync(RedisProgressScripts.Read, [HashKey(member), PendingKey(member)]);
        return ReadEntry(result).Merged(options.Value.CompletionThreshold);
    }

    /// <summary>Store failures propagate with every entry left dirty; the flusher logs them and tries again next tick.</summary>
    public async Task<int> FlushAsync(IProgressStore store, Guid? userId, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var batchSize = options.Value.FlushBatchSize;
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
        var rounds = (await db.SetLengthAsync(DirtyKey) + batchSize - 1) / batchSize + 1;
        for (var round = 0; round < rounds; round++)
        {
            var members = await db.SetRandomMembersAsync(DirtyKey, batchSize);
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

    private async Task<(int Written, int Compacted)> FlushMembersAsync(IDatabase db, IProgressStore store, RedisValue[] members, CancellationToken cancellationToken)
    {
        var batch = db.CreateBatch();
        var reads = members.Select(m => batch.ScriptEvaluateAsync(RedisProgressScripts.Read, [HashKey(m!), PendingKey(m!)])).ToList();
        batch.Execute();
        var entries = new List<(string Member, BufferEntry Entry, LessonProgress? Merged)>(members.Length);
        var threshold = options.Value.CompletionThreshold;
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
        var results = entries.Select(e => Compact(compactions, e.Member, UserOf(e.Member), e.Entry.Version,
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

    private async Task<bool> Compact(IDatabaseAsync db, string member, Guid userId, string version, LessonProgress? merged, int read, bool clean)
    {
        var result = await db.ScriptEvaluateAsync(RedisProgressScripts.Compact,
            [HashKey(member), PendingKey(member), DirtyKey, UserDirtyKey(userId)],
            [version, merged is null ? "" : BufferedProgressJson.Serialize(merged), read, clean ? "1" : "0", member, TtlSeconds]);
        return (long)result == 1;
    }

    private static BufferEntry ReadEntry(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        var baseJson = (string?)parts[0];
        var pending = ((RedisResult[])parts[2]!).Select(p => BufferedProgressJson.Deserialize((string)p!)).ToList();
        return new BufferEntry(string.IsNullOrEmpty(baseJson) ? null : BufferedProgressJson.Deserialize(baseJson), (string)parts[1]!, pending);
    }

    // Members are "{userId:N}:{lessonId}" (LessonProgress.Key).
    private static Guid UserOf(string member) => Guid.ParseExact(member.AsSpan(0, 32), "N");

    private RedisKey HashKey(string member) => _prefix + member;

    private RedisKey PendingKey(string member) => _prefix + member + ":p";

    private RedisKey UserDirtyKey(Guid userId) => $"{_prefix}dirty:{userId:N}";

    private sealed record BufferEntry(LessonProgress? Base, string Version, List<LessonProgress> Pending)
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
