using LearnStream.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Video;

/// <summary>The <see cref="LessonVideo"/> rows: starting an upload, reading, and forgetting deleted lessons.</summary>
public sealed partial class VideoLibrary(LearnStreamDbContext db, IVideoProvider provider, TimeProvider time, ILogger<VideoLibrary> logger)
{
    public Task<LessonVideo?> GetAsync(string lessonId, CancellationToken ct) =>
        db.LessonVideos.AsNoTracking().SingleOrDefaultAsync(v => v.LessonId == lessonId, ct);

    /// <summary>
    /// Points the lesson at a new upload. The video it had is deleted at the provider: replacing a
    /// video leaves nothing behind to pay for or to leak.
    /// </summary>
    public async Task<LessonVideo> StartUploadAsync(string courseId, string lessonId, UploadTicket ticket, CancellationToken ct) =>
        await ReplaceAsync(courseId, lessonId, v =>
        {
            v.Status = VideoStatus.Uploading;
            v.UploadId = ticket.UploadId;
            v.UploadExpiresAt = ticket.ExpiresAt;
        }, ct);

    /// <summary>Points the lesson at an asset made outside an upload (Mux import), with the state the provider reported.</summary>
    public async Task<LessonVideo> StartAssetAsync(string courseId, string lessonId, Action<LessonVideo> describe, CancellationToken ct) =>
        await ReplaceAsync(courseId, lessonId, describe, ct);

    /// <summary>
    /// Lessons were deleted (or the whole course, when <paramref name="keptLessonIds"/> is empty):
    /// the videos of the course's lessons that are gone are deleted at the provider, then forgotten.
    /// </summary>
    public async Task RemoveMissingAsync(string courseId, IReadOnlyCollection<string> keptLessonIds, CancellationToken ct)
    {
        var videos = await db.LessonVideos.AsNoTracking()
            .Where(v => v.CourseId == courseId && !keptLessonIds.Contains(v.LessonId)).ToListAsync(ct);
        foreach (var video in videos)
        {
            await DeleteAtProviderAsync(video, ct);
            await db.LessonVideos.Where(v => v.LessonId == video.LessonId).ExecuteDeleteAsync(ct);
        }
    }

    private async Task<LessonVideo> ReplaceAsync(string courseId, string lessonId, Action<LessonVideo> describe, CancellationToken ct)
    {
        var previous = await GetAsync(lessonId, ct);
        var video = new LessonVideo
        {
            LessonId = lessonId, CourseId = courseId, Provider = provider.Name, Status = VideoStatus.None, UpdatedAt = time.GetUtcNow(),
        };
        describe(video);
        if (previous is null)
        {
            db.LessonVideos.Add(video);
            try
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                return video;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                // Two uploads started at once: the later write below wins, as it would have in sequence.
                db.ChangeTracker.Clear();
            }
        }
        await db.LessonVideos.Where(v => v.LessonId == lessonId).ExecuteUpdateAsync(s => s
            .SetProperty(v => v.CourseId, video.CourseId)
            .SetProperty(v => v.Provider, video.Provider)
            .SetProperty(v => v.Status, video.Status)
            .SetProperty(v => v.UploadId, video.UploadId)
            .SetProperty(v => v.UploadExpiresAt, video.UploadExpiresAt)
            .SetProperty(v => v.AssetId, video.AssetId)
            .SetProperty(v => v.PlaybackId, video.PlaybackId)
            .SetProperty(v => v.Duration, video.Duration)
            .SetProperty(v => v.AspectRatio, video.AspectRatio)
            .SetProperty(v => v.Error, video.Error)
            .SetProperty(v => v.SourceFile, video.SourceFile)
            .SetProperty(v => v.Attempts, 0)
            .SetProperty(v => v.UpdatedAt, video.UpdatedAt), ct);
        // An upload still waiting for the transcoder has no asset yet, but its file must go too.
        if (previous is not null && (previous.AssetId != video.AssetId || previous.SourceFile is not null))
        {
            await DeleteAtProviderAsync(previous, ct);
        }
        return video;
    }

    private async Task DeleteAtProviderAsync(LessonVideo video, CancellationToken ct)
    {
        try
        {
            await provider.DeleteAsync(video, ct);
        }
        catch (VideoProviderException e)
        {
            // The lesson must not stay blocked by the provider; the leftover is logged for an operator.
            LogDeleteFailed(logger, video.AssetId, video.LessonId, e.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not delete video asset {AssetId} of lesson {LessonId} at the provider: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string? assetId, string lessonId, string reason);
}
