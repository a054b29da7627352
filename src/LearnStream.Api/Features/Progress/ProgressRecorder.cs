using System.Security.Claims;
using LearnStream.Api.Common;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Enrollment;
using LearnStream.Api.Features.Video;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Progress;

public enum ProgressOutcome
{
    Accepted,
    NotFound,
    Forbidden,
    TextLesson,
    VideoLesson,
    VideoNotReady,
    RateLimited,
}

/// <summary>What became of a beat or a completion: the merged state as answers show it when accepted, when to retry when rate limited.</summary>
public sealed record ProgressWrite(ProgressOutcome Outcome, ProgressSummary? State = null, TimeSpan RetryAfter = default);

/// <summary>
/// The beat path. Every read it needs is cached (the course by lesson in the catalog cache, the access
/// check in the enrollment cache, the video's duration here) and the write goes to the write-behind
/// buffer, so a beat costs no database round trip in the steady state. A singleton: the stores it
/// reads on a cache miss are scoped, so it opens a scope only then.
/// </summary>
public sealed class ProgressRecorder(
    CatalogCache catalog,
    CourseAccessService access,
    IProgressBuffer buffer,
    IMemoryCache memory,
    IServiceScopeFactory scopes,
    IOptions<ProgressOptions> options,
    TimeProvider time)
{
    /// <summary>A ready video's length rarely changes; a replaced video's new length shows within this.</summary>
    private static readonly TimeSpan ReadyDurationLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Short, so a video that becomes ready is soon accepted, yet a player beating at a lesson without one does not reach the database each time.</summary>
    private static readonly TimeSpan NotReadyLifetime = TimeSpan.FromSeconds(2);

    // The loaders, made once: a method passed as a delegate is a new delegate at every call, on every beat.
    private Func<string, CancellationToken, Task<Course?>>? _findByLesson;
    private Func<string, CancellationToken, Task<Course?>>? _findById;
    private Func<Guid, string, CancellationToken, Task<LessonProgress?>>? _loadStored;

    public async Task<ProgressWrite> RecordBeatAsync(ClaimsPrincipal user, string lessonId, ProgressBeat beat, CancellationToken ct)
    {
        var (course, lesson, refused) = await FindWatchableAsync(user, lessonId, ct);
        if (refused is { } outcome)
        {
            return new ProgressWrite(outcome);
        }
        if (lesson!.Kind != LessonKind.Video)
        {
            return new ProgressWrite(ProgressOutcome.TextLesson);
        }
        if (await DurationAsync(lesson.Id, ct) is not { } duration)
        {
            return new ProgressWrite(ProgressOutcome.VideoNotReady);
        }
        var now = Now();
        var state = LessonProgress.FromBeat(user.UserId(), course!.Id, lesson.Id, beat, duration, now, options.Value.CompletionThreshold);
        return await WriteAsync(state, options.Value.MaxBeatsPerMinute, now, ct);
    }

    public async Task<ProgressWrite> CompleteTextAsync(ClaimsPrincipal user, string lessonId, CancellationToken ct)
    {
        var (course, lesson, refused) = await FindWatchableAsync(user, lessonId, ct);
        if (refused is { } outcome)
        {
            return new ProgressWrite(outcome);
        }
        if (lesson!.Kind != LessonKind.Text)
        {
            return new ProgressWrite(ProgressOutcome.VideoLesson);
        }
        var now = Now();
        // No rate limit: marking complete again changes nothing but the last-watched time.
        return await WriteAsync(LessonProgress.CompletedText(user.UserId(), course!.Id, lesson.Id, now), null, now, ct);
    }

    private async Task<ProgressWrite> WriteAsync(LessonProgress state, int? maxPerMinute, DateTimeOffset now, CancellationToken ct)
    {
        var write = await buffer.AddAsync(state, maxPerMinute, _loadStored ??= LoadStoredAsync, ct);
        return write.RateLimited
            ? new ProgressWrite(ProgressOutcome.RateLimited, RetryAfter: UntilNextMinute(now))
            : new ProgressWrite(ProgressOutcome.Accepted, write.State ?? ProgressSummary.Of(state));
    }

    private async Task<(Course? Course, Lesson? Lesson, ProgressOutcome? Refused)> FindWatchableAsync(ClaimsPrincipal user, string lessonId, CancellationToken ct)
    {
        var found = lessonId.Length <= 64
            ? await catalog.GetLessonAsync(lessonId, _findByLesson ??= FindCourseAsync, _findById ??= FindCourseByIdAsync, ct)
            : null;
        if (found is not { Course: var course, Lesson: var lesson } || !CourseAccess.CanView(course, user))
        {
            return (null, null, ProgressOutcome.NotFound);
        }
        return await access.MayWatchAsync(user, course, lesson, ct)
            ? (course, lesson, null)
            : (null, null, ProgressOutcome.Forbidden);
    }

    private async Task<Course?> FindCourseAsync(string lessonId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ICourseStore>().FindByLessonAsync(lessonId, ct);
    }

    private async Task<Course?> FindCourseByIdAsync(string courseId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ICourseStore>().FindAsync(courseId, ct);
    }

    private async Task<LessonProgress?> LoadStoredAsync(Guid userId, string lessonId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IProgressStore>().FindAsync(userId, lessonId, ct);
    }

    /// <summary>The ready video's length in seconds, or null when the lesson has no ready video with a length.</summary>
    private async Task<double?> DurationAsync(string lessonId, CancellationToken ct)
    {
        var key = (nameof(ProgressRecorder), lessonId);
        if (memory.TryGetValue(key, out double? cached))
        {
            return cached;
        }
        await using var scope = scopes.CreateAsyncScope();
        var video = await scope.ServiceProvider.GetRequiredService<VideoLibrary>().GetAsync(lessonId, ct);
        double? duration = video is { Status: VideoStatus.Ready, Duration: { } d } && d > 0 && double.IsFinite(d) ? d : null;
        memory.Set(key, duration, duration is null ? NotReadyLifetime : ReadyDurationLifetime);
        return duration;
    }

    /// <summary>Whole milliseconds: the finest time every progress store keeps, so a state reads back as it was written.</summary>
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    /// <summary>The beat limit counts per minute, so the next minute is when a refused player may try again.</summary>
    private static TimeSpan UntilNextMinute(DateTimeOffset now) =>
        TimeSpan.FromTicks(TimeSpan.TicksPerMinute - now.UtcTicks % TimeSpan.TicksPerMinute);
}
