using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Progress;

/// <summary>
/// The buffer of a single node without Redis: one entry per learner and lesson holding everything
/// known (the stored state merged with every beat since), so only the first beat of a pair reads the
/// store. A graceful stop flushes it; a crash loses at most the beats since the last flush.
/// </summary>
public sealed class InProcessProgressBuffer(IOptions<ProgressOptions> options, TimeProvider time) : IProgressBuffer
{
    /// <summary>Clean entries untouched this long are dropped, so memory follows the active learners, not all of them.</summary>
    public static readonly TimeSpan IdleEviction = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, HashSet<string>> _byUser = [];
    private readonly Lock _indexGate = new();

    /// <summary>Entries held now, for tests of eviction.</summary>
    public int Count => _entries.Count;

    public async Task<BufferedWrite> AddAsync(LessonProgress state, int? maxPerMinute, Func<Guid, string, CancellationToken, Task<LessonProgress?>> loadStored, CancellationToken cancellationToken)
    {
        var threshold = options.Value.CompletionThreshold;
        var now = time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        Entry entry;
        bool needsBase;
        LessonProgress merged;
        while (true)
        {
            entry = GetOrCreate(state);
            lock (entry.Gate)
            {
                if (entry.Removed)
                {
                    continue; // evicted between lookup and lock: a fresh entry takes the beat
                }
                entry.LastTouched = now;
                if (entry.Minute != minute)
                {
                    (entry.Minute, entry.CountInMinute) = (minute, 0);
                }
                if (maxPerMinute is { } max && entry.CountInMinute >= max)
                {
                    return new BufferedWrite(null, RateLimited: true);
                }
                entry.CountInMinute++;
                merged = entry.State is null ? state : entry.State.Merge(state, threshold);
                entry.State = merged;
                entry.Version++;
                entry.Dirty = true;
                needsBase = !entry.HasBase;
            }
            break;
        }
        if (!needsBase)
        {
            return new BufferedWrite(ProgressSummary.Of(merged), RateLimited: false);
        }
        var stored = await loadStored(state.UserId, state.LessonId, cancellationToken);
        lock (entry.Gate)
        {
            // The stored state needs no flush of its own: merging it into the store again changes nothing.
            if (!entry.HasBase && stored is not null)
            {
                entry.State = entry.State!.Merge(stored, threshold);
            }
            entry.HasBase = true;
            return new BufferedWrite(ProgressSummary.Of(entry.State!), RateLimited: false);
        }
    }

    public Task<LessonProgress?> PeekAsync(Guid userId, string lessonId, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(LessonProgress.KeyOf(userId, lessonId), out var entry))
        {
            lock (entry.Gate)
            {
                return Task.FromResult(entry.Removed ? null : entry.State);
            }
        }
        return Task.FromResult<LessonProgress?>(null);
    }

    public async Task<int> FlushAsync(IProgressStore store, Guid? userId, CancellationToken cancellationToken)
    {
        var snapshot = new List<(Entry Entry, LessonProgress State, long Version)>();
        foreach (var entry in Candidates(userId))
        {
            lock (entry.Gate)
            {
                if (entry.Dirty && !entry.Removed && entry.State is { } state)
                {
                    snapshot.Add((entry, state, entry.Version));
                }
            }
        }
        var written = 0;
        foreach (var batch in snapshot.Chunk(options.Value.FlushBatchSize))
        {
            // A failure propagates with this batch and the rest still dirty; the store's merge is idempotent, so writing them again is safe.
            await store.MergeAsync([.. batch.Select(b => b.State)], options.Value.CompletionThreshold, cancellationToken);
            foreach (var (entry, _, version) in batch)
            {
                lock (entry.Gate)
                {
                    // A beat merged after the snapshot keeps the entry dirty for the next flush.
                    if (entry.Version == version)
                    {
                        entry.Dirty = false;
                    }
                }
            }
            written += batch.Length;
        }
        if (userId is null)
        {
            EvictIdle();
        }
        return written;
    }

    private Entry GetOrCreate(LessonProgress state)
    {
        var key = state.Key;
        if (_entries.TryGetValue(key, out var entry))
        {
            return entry;
        }
        lock (_indexGate)
        {
            entry = _entries.GetOrAdd(key, static (_, userId) => new Entry(userId), state.UserId);
            if (!_byUser.TryGetValue(state.UserId, out var keys))
            {
                _byUser[state.UserId] = keys = new HashSet<string>(StringComparer.Ordinal);
            }
            keys.Add(key);
            return entry;
        }
    }

    private List<Entry> Candidates(Guid? userId)
    {
        if (userId is null)
        {
            return [.. _entries.Values];
        }
        lock (_indexGate)
        {
            return _byUser.TryGetValue(userId.Value, out var keys)
                ? [.. keys.Select(k => _entries.TryGetValue(k, out var e) ? e : null).OfType<Entry>()]
                : [];
        }
    }

    private void EvictIdle()
    {
        var idleSince = time.GetUtcNow() - IdleEviction;
        foreach (var (key, entry) in _entries)
        {
            if (entry.LastTouched > idleSince)
            {
                continue; // unlocked pre-check, repeated under the locks: most entries are active
            }
            lock (_indexGate)
            {
                lock (entry.Gate)
                {
                    if (entry.Dirty || entry.Removed || entry.LastTouched > idleSince)
                    {
                        continue;
                    }
                    entry.Removed = true;
                    _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                    if (_byUser.TryGetValue(entry.UserId, out var keys) && keys.Remove(key) && keys.Count == 0)
                    {
                        _byUser.Remove(entry.UserId);
                    }
                }
            }
        }
    }

    private sealed class Entry(Guid userId)
    {
        public Guid UserId { get; } = userId;
        public Lock Gate { get; } = new();
        public LessonProgress? State { get; set; }
        public long Version { get; set; }
        public bool Dirty { get; set; }
        public bool HasBase { get; set; }
        public bool Removed { get; set; }
        public long Minute { get; set; }
        public int CountInMinute { get; set; }
        public DateTimeOffset LastTouched { get; set; }
    }
}
