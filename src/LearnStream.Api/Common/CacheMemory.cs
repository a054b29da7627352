using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using ZiggyCreatures.Caching.Fusion;

namespace LearnStream.Api.Common;

/// <summary>
/// The bound on what the two-level cache (catalog, access checks, analytics) keeps in each node's memory.
/// Some of its keys come from clients (a slug, a lesson id, a listing's filters), so without a bound a
/// stream of distinct requests grows a node's memory for as long as the entries live.
/// </summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>The key of the node's memory cache under FusionCache, for diagnostics and tests.</summary>
    public const string MemoryKey = "fusion-memory";

    /// <summary>
    /// What the memory level may hold, in megabytes as the entries' JSON measures them (objects in memory
    /// take about twice that). Over it the memory cache refuses new entries and drops old ones: entries
    /// made for keys a client chose first, then the least recently used.
    /// </summary>
    [Range(1, 65_536)]
    public int MemoryLimitMegabytes { get; set; } = 256;

    public long SizeLimit => MemoryLimitMegabytes * 1024L;
}

/// <summary>How a cache entry counts against <see cref="CacheOptions.MemoryLimitMegabytes"/>, and how entries a client can multiply are kept.</summary>
public static class CacheEntries
{
    /// <summary>Kilobytes of the value's JSON, at least 1: the unit of the memory cache's size limit.</summary>
    public static long Weight<T>(T value) =>
        value is null ? 1 : 1 + JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web).Length / 1024;

    /// <summary>
    /// Sizes an entry while its factory runs (adaptive caching): by <see cref="Weight{T}"/>, or 1 when not
    /// <paramref name="weighed"/> (what it holds is weighed in another entry). An entry a client can
    /// multiply at will (<paramref name="clientShaped"/>: nothing found, or a filter's free text) stays in
    /// this node's memory, first in line when the memory cache makes room; neither Redis nor the other
    /// nodes hear of it.
    /// </summary>
    public static T Sized<T>(FusionCacheFactoryExecutionContext<T> context, T value, bool clientShaped = false, bool weighed = true)
    {
        var options = context.Options;
        options.Size = weighed ? Weight(value) : 1;
        if (value is null || clientShaped)
        {
            options.Priority = CacheItemPriority.Low;
            options.SkipDistributedCacheWrite = true;
            options.SkipBackplaneNotifications = true;
        }
        return value;
    }
}
