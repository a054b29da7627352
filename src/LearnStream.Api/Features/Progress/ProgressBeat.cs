namespace LearnStream.Api.Features.Progress;

public enum BeatEvent
{
    Heartbeat,
    Play,
    Pause,
    Seek,
    Ended,
}

/// <summary>A validated player beat: what the learner's player reports every 10-15 s and on play, pause, seek and end.</summary>
public sealed record ProgressBeat(string SessionId, long Sequence, double Position, IReadOnlyList<Interval> Watched, BeatEvent Event);
