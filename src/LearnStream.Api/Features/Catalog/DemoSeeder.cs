using System.Security.Cryptography;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Auth;
using LearnStream.Api.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Catalog;

/// <summary>
/// The <c>seed-demo</c> command: a demo instructor and student and three published courses, so a fresh
/// install has something to browse. Idempotent: accounts are found by email and courses by slug, and
/// what exists is left as it is. Passwords are random and printed once; none is stored in the code.
/// </summary>
public static class DemoSeeder
{
    public const string Command = "seed-demo";
    public const string InstructorEmail = "instructor@demo.learnstream.example";
    public const string StudentEmail = "student@demo.learnstream.example";

    // No 0/O, 1/l/I: the password is read off a terminal and typed again.
    private const string PasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static bool IsRequested(IEnumerable<string> commandLine) => commandLine.Skip(1).Contains(Command, StringComparer.Ordinal);

    public static async Task<int> SeedDemoAsync(this IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
        var hasher = services.GetRequiredService<PasswordHashingGate>().Hasher;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();

        var instructor = await EnsureUserAsync(db, hasher, InstructorEmail, "Dana Instructor (demo)", Roles.Instructor, now, ct);
        var student = await EnsureUserAsync(db, hasher, StudentEmail, "Sam Student (demo)", Roles.Student, now, ct);

        var store = scope.ServiceProvider.GetRequiredService<ICourseStore>();
        var created = new List<string>();
        var present = new List<string>();
        foreach (var course in Courses(instructor.Id.ToString(), now))
        {
            var added = await store.FindAsync(course.Slug, ct) is null && await store.InsertAsync(course, ct) == StoreWrite.Ok;
            (added ? created : present).Add(course.Slug);
        }
        if (created.Count > 0)
        {
            // The courses bypassed the API, so drop any cached (empty) listing on every node.
            await services.GetRequiredService<CatalogCache>().InvalidateAsync(ct);
        }

        output.WriteLine("LearnStream demo catalog");
        var fresh = new[] { instructor, student }.Where(a => a.Password is not null).ToList();
        if (fresh.Count > 0)
        {
            output.WriteLine("Demo accounts created. Their passwords are shown only now, never again; note them:");
            foreach (var account in fresh)
            {
                output.WriteLine($"  {account.Role,-10}  {account.Email,-36}  password: {account.Password}");
            }
        }
        foreach (var account in new[] { instructor, student }.Where(a => a.Password is null))
        {
            output.WriteLine($"  {account.Role,-10}  {account.Email} already exists; its password is unchanged and not shown.");
        }
        output.WriteLine(created.Count > 0
            ? $"Courses created (published): {string.Join(", ", created)}."
            : "No course created.");
        if (present.Count > 0)
        {
            output.WriteLine($"Courses already present, left as they are: {string.Join(", ", present)}.");
        }
        return 0;
    }

    /// <summary>A demo account; <see cref="Password"/> is set only when this run created it.</summary>
    private sealed record DemoAccount(Guid Id, string Email, string Role, string? Password);

    private static async Task<DemoAccount> EnsureUserAsync(
        LearnStreamDbContext db, PasswordHasher hasher, string email, string name, string role, DateTimeOffset now, CancellationToken ct)
    {
        var normalized = User.Normalize(email);
        var existing = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (existing is not null)
        {
            return new DemoAccount(existing.Id, existing.Email, existing.Role, null);
        }
        var password = string.Join('-', Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetString(PasswordAlphabet, 5)));
        var user = new User
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Email = email,
            NormalizedEmail = normalized,
            PasswordHash = hasher.Hash(password),
            Role = role,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
            return new DemoAccount(user.Id, email, role, password);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another seed-demo run created it a moment ago: theirs stands, and this password is void.
            db.ChangeTracker.Clear();
            var winner = await db.Users.AsNoTracking().FirstAsync(u => u.NormalizedEmail == normalized, ct);
            return new DemoAccount(winner.Id, winner.Email, winner.Role, null);
        }
    }

    private static Lesson Video(string title, string description, bool preview = false) =>
        new() { Id = Guid.CreateVersion7().ToString(), Title = title, Kind = LessonKind.Video, Description = description, IsPreview = preview };

    private static Lesson Text(string title, string description, string body, bool preview = false) =>
        new() { Id = Guid.CreateVersion7().ToString(), Title = title, Kind = LessonKind.Text, Description = description, Body = body, IsPreview = preview };

    private static Section Part(string title, params Lesson[] lessons) =>
        new() { Id = Guid.CreateVersion7().ToString(), Title = title, Lessons = [.. lessons] };

    private static Course Published(string slug, string title, string subtitle, string description, string level,
        Price? price, string[] tags, string instructorId, DateTimeOffset now, params Section[] sections) => new()
    {
        Id = Guid.CreateVersion7(now).ToString(),
        Slug = slug,
        Title = title,
        Subtitle = subtitle,
        Description = description,
        Level = level,
        Language = "en",
        Price = price,
        Tags = [.. tags],
        Status = CourseStatus.Published,
        InstructorIds = [instructorId],
        CreatedAt = now,
        UpdatedAt = now,
        PublishedAt = now,
        Sections = [.. sections],
    };

    private static IEnumerable<Course> Courses(string instructorId, DateTimeOffset now)
    {
        yield return Published("practical-git-for-everyday-work", "Practical Git for Everyday Work",
            "Commit, branch, merge and undo with confidence",
            """
            Git is the tool every developer uses daily and few feel at ease with. This course builds the
            **mental model** first (snapshots, branches as pointers) and then the habits:

            - small, well-described commits
            - feature branches and pull requests
            - undoing mistakes without losing work

            No prior Git experience needed.
            """,
            "beginner", null, ["git", "version-control", "tooling"], instructorId, now,
            Part("How Git thinks",
                Video("Snapshots, not diffs", "What a commit really stores.", preview: true),
                Text("The three areas", "Working tree, index and repository.",
                    """
                    # The three areas

                    `git add` copies a change from the **working tree** to the **index**; `git commit`
                    records the index as a new snapshot. Run `git status` often: it tells you which area
                    each change is in.
                    """)),
            Part("Working with branches",
                Video("Branching and merging", "Create, switch and merge branches."),
                Video("Rebasing safely", "Keep history linear without rewriting shared work."),
                Text("Undoing things", "restore, revert and reset compared.",
                    """
                    # Undoing things

                    | situation | command |
                    |---|---|
                    | discard an unstaged edit | `git restore FILE` |
                    | undo a pushed commit | `git revert COMMIT` |
                    | move a local branch back | `git reset --soft COMMIT` |
                    """)));

        yield return Published("modern-csharp-and-dotnet", "Modern C# and .NET: From Basics to Async",
            "Write clear, fast and safe C# 14 on .NET 10",
            """
            A hands-on tour of the C# language as it is written today: records, pattern matching,
            nullable reference types, LINQ and `async`/`await`. Each section ends with an exercise.

            You should already know one programming language.
            """,
            "intermediate", new Price(4900, "EUR"), ["csharp", "dotnet", "async"], instructorId, now,
            Part("Types that say what they mean",
                Video("Records and immutability", "Value semantics without boilerplate.", preview: true),
                Text("Nullable reference types", "Let the compiler find your null bugs.",
                    """
                    # Nullable reference types

                    With `<Nullable>enable</Nullable>`, `string` means *never null* and `string?` means
                    *maybe null*. The compiler warns when a maybe-null value is used without a check.
                    """),
                Video("Pattern matching", "switch expressions, property and list patterns.")),
            Part("Asynchronous code",
                Video("Tasks and await", "What await does to your method."),
                Text("Cancellation", "Passing CancellationToken through a call chain.",
                    """
                    # Cancellation

                    Accept a `CancellationToken` as the last parameter and pass it to every call that
                    takes one. Never swallow `OperationCanceledException`.
                    """)),
            Part("Putting it together",
                Video("A small web API", "Minimal APIs end to end."),
                Text("Exercise", "Build a to-do API with async persistence.",
                    """
                    # Exercise

                    Build a to-do API with **GET**, **POST** and **DELETE** endpoints, storing items
                    asynchronously. Bonus: return `404` as an RFC 9457 problem.
                    """)));

        yield return Published("postgresql-query-performance", "PostgreSQL Query Performance",
            "Read query plans, choose indexes and fix slow SQL",
            """
            Slow queries are rarely fixed by guessing. Learn to read `EXPLAIN (ANALYZE, BUFFERS)`,
            choose the right index (B-tree, GIN, partial, covering) and rewrite the queries that
            matter. Examples run on PostgreSQL 15 and later.
            """,
            "advanced", new Price(7900, "USD"), ["sql", "postgresql", "performance"], instructorId, now,
            Part("Reading plans",
                Video("EXPLAIN ANALYZE line by line", "Costs, rows, loops and buffers.", preview: true),
                Text("Estimates versus reality", "When the planner is wrong, and why.",
                    """
                    # Estimates versus reality

                    Compare `rows=` (estimated) with `actual rows=`. A gap of 10x or more usually means
                    stale statistics: run `ANALYZE`, or raise the column's statistics target.
                    """)),
            Part("Indexes that pay off",
                Video("B-tree and composite indexes", "Column order and the leftmost prefix."),
                Video("Partial and covering indexes", "Smaller indexes and index-only scans."),
                Text("Checklist", "Before you add an index.",
                    """
                    # Before you add an index

                    1. Is the query frequent or slow enough to matter?
                    2. Does an existing index already serve it?
                    3. What does it cost every `INSERT` and `UPDATE`?
                    """)));
    }
}
