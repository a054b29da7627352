namespace LearnStream.Api.Features.Enrollment;

public static class EnrollmentExtensions
{
    public static IHostApplicationBuilder AddEnrollment(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CourseAccessService>();
        builder.Services.AddScoped<EnrollmentService>();
        return builder;
    }
}
