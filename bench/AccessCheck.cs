#:sdk Microsoft.NET.Sdk.Web
#:package Microsoft.AspNetCore.Mvc.Testing
#:project ../src/LearnStream.Api/LearnStream.Api.csproj
#:property PublishAot=false

// The cost of "may this user watch this course?" (CourseAccessService.MayWatchAsync), which playback
// and every progress heartbeat call. Runs the API's own services on the stores given by the
// environment (LEARNSTREAM_BENCH_POSTGRES + LEARNSTREAM_BENCH_REDIS, else SQLite in a temp dir):
//  - cached:   the same learner and course again: the in-process level of the two-level cache;
//  - uncached: a learner and course not asked before: cache miss, Redis (when configured), database.
// Run: dotnet run -c Release bench/AccessCheck.cs. Prints "ACCESS ..." lines.
using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Enrollment;
using LearnStream.Api.Features.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

const int Learners = 2_000;
const int Rounds = 5;

// Outside a solution layout the factory needs to be told where the API's content root is.
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_LEARNSTREAM_API",
    Path.GetFullPath(Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "../src/LearnStream.Api")));
var data = Directory.CreateTempSubdirectory("learnstream-access-bench-").FullName;
var postgres = Environment.GetEnvironmentVariable("LEARNSTREAM_BENCH_POSTGRES");
var redis = Environment.GetEnvironmentVariable("LEARNSTREAM_BENCH_REDIS");
// A database of its own, dropped at the end, so the bench never writes into anyone's data.
var benchDatabaseName = $"ls_bench_{Guid.NewGuid():N}"[..24];
var benchDatabase = postgres is null ? null
    : new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = benchDatabaseName }.ConnectionString;
if (postgres is not null)
{
    await Execute(postgres, $"CREATE DATABASE {benchDatabaseName}");
}
await using var app = new WebApplicationFactory<CourseAccessService>() // any type of the API assembly names its entry point
   .WithWebHostBuilder(b =>
{
    b.UseEnvironment("Development");
    b.UseSetting("DataDirectory", data);
    b.UseSetting("Logging:LogLevel:Default", "Warning");
    if (benchDatabase is not null)
    {
        b.UseSetting("Database:Provider", "postgres");
        b.UseSetting("ConnectionStrings:Database", benchDatabase);
    }
    if (redis is not null)
    {
        b.UseSetting("ConnectionStrings:Redis", redis);
        b.UseSetting("Redis:InstanceName", $"bench-{Guid.NewGuid():N}:");
    }
});
_ = app.Server;
var services = app.Services;
var access = services.GetRequiredService<CourseAccessService>();

// Learners, each enrolled in one course, written straight to the relational store.
var course = new Course { Id = Guid.CreateVersion7().ToString(), Slug = "bench", Title = "Bench", Status = CourseStatus.Published };
var learners = new List<ClaimsPrincipal>();
await using (var scope = services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
    var now = DateTimeOffset.UtcNow;
    for (var i = 0; i < Learners; i++)
    {
        var email = $"bench-{Guid.NewGuid():N}@example.test";
        var user = new User { Id = Guid.CreateVersion7(), Email = email, NormalizedEmail = User.Normalize(email), Name = "Bench", PasswordHash = "-", Role = Roles.Student, CreatedAt = now, UpdatedAt = now };
        db.Users.Add(user);
        db.Enrollments.Add(new CourseEnrollment { Id = Guid.CreateVersion7(), UserId = user.Id, CourseId = course.Id, Status = EnrollmentStatus.Active, EnrolledAt = now, UpdatedAt = now });
        learners.Add(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user.Id.ToString()), new Claim("role", Roles.Student)], "Bearer")));
    }
    await db.SaveChangesAsync();
}

var perRound = Learners / (Rounds + 1);
var uncached = new List<double>();
for (var round = 0; round <= Rounds; round++)
{
    // Each learner is asked for the first time: every call misses the cache.
    var batch = learners.Skip(round * perRound).Take(perRound).ToList();
    var watch = Stopwatch.StartNew();
    foreach (var learner in batch)
    {
        if (!await access.MayWatchAsync(learner, course, null, CancellationToken.None))
        {
            throw new InvalidOperationException("An enrolled learner was refused.");
        }
    }
    watch.Stop();
    if (round > 0)
    {
        uncached.Add(watch.Elapsed.TotalMicroseconds / batch.Count);
    }
}

var cached = new List<double>();
var warm = learners[0];
for (var round = -1; round < Rounds; round++)
{
    const int Calls = 200_000;
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < Calls; i++)
    {
        if (!await access.MayWatchAsync(warm, course, null, CancellationToken.None))
        {
            throw new InvalidOperationException("An enrolled learner was refused.");
        }
    }
    watch.Stop();
    if (round >= 0)
    {
        cached.Add(watch.Elapsed.TotalNanoseconds / Calls);
    }
}

uncached.Sort();
cached.Sort();
var stores = (postgres is null ? "sqlite" : "postgres") + (redis is null ? "+memory" : "+redis");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ACCESS stores={stores} cached_ns={cached[Rounds / 2]:F0} uncached_us={uncached[Rounds / 2]:F1} (medians of {Rounds} rounds)"));
await app.DisposeAsync();
if (postgres is not null)
{
    Npgsql.NpgsqlConnection.ClearAllPools();
    await Execute(postgres, $"DROP DATABASE IF EXISTS {benchDatabaseName} WITH (FORCE)");
}
try
{
    Directory.Delete(data, recursive: true);
}
catch (IOException)
{
    // SQLite may still hold the file for a moment; the temp directory is the OS's to clean.
}

static async Task Execute(string connectionString, string sql)
{
    await using var connection = new Npgsql.NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new Npgsql.NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}
