using LearnStream.Api.Features.Progress;

namespace LearnStream.Api.Tests.Progress;

/// <summary>States of single beats for one learner, timed from a fixed start.</summary>
public sealed class ProgressBeats(Guid userId, string courseId = "course-1")
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public Guid UserId { get; } = userId;

    public LessonProgress Beat(string lessonId, long sequence, double from, double to, string session = "s1", double duration = 600) =>
        LessonProgress.FromBeat(UserId, courseId, lessonId,
            new ProgressBeat(session, sequence, to, [new Interval(from, to)], BeatEvent.Heartbeat), duration, Start.AddSeconds(sequence));

    public static Func<Guid, string, CancellationToken, Task<LessonProgress?>> From(IProgressStore store) => store.FindAsync;
}
