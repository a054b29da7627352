using LearnStream.Api.Features.Progress;

namespace LearnStream.Api.Tests.Progress;

public sealed class RedisProgressBufferTests_Interim : RedisProgressBufferTests
{
    protected override IProgressStore InnerStore { get; } = new InterimProgressStore();
}
