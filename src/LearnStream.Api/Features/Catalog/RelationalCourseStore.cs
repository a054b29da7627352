using System.Text.Json;
using LearnStream.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace LearnStream.Api.Features.Catalog;

/// <summary>
/// Courses in the relational database: one row per course with the queried fields as columns, the
/// outline (sections and lessons) as one JSON column, and a lesson-to-course index table.
/// </summary>
public sealed class RelationalCourseStore(LearnStreamDbContext db) : ICourseStore
{
    public async Task<Course?> FindAsync(string idOrSlug, CancellationToken cancellationToken)
    {
        var row = await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == idOrSlug, cancellationToken)
            ?? await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Slug == idOrSlug, cancellationToken);
        return row?.ToCourse();
    }

    public async Task<Course?> FindByLessonAsync(string lessonId, CancellationToken cancellationToken)
    {
        var row = await db.CourseLessons.AsNoTracking()
            .Where(l => l.LessonId == lessonId)
            .Join(db.Courses, l => l.CourseId, c => c.Id, (_, c) => c)
            .FirstOrDefaultAsync(cancellationToken);
        return row?.ToCourse();
    }

    public async Task<IReadOnlyDictionary<string, Course>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken, bool includeSections = false)
    {
        var query = db.Courses.AsNoTracking().Where(c => ids.Contains(c.Id));
        var rows = await (includeSections ? query : query.Select(Summary)).ToListAsync(cancellationToken);
        return rows.Select(r => r.ToCourse()).ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public async Task<(IReadOnlyList<Course> Items, int Total)> ListAsync(CourseQuery query, CancellationToken cancellationToken)
    {
        var rows = db.Courses.AsNoTracking();
        var published = nameof(CourseStatus.Published);
        rows = query.Visibility switch
        {
            CourseVisibility.Published => rows.Where(c => c.Status == published),
            CourseVisibility.PublishedOrTaughtBy => rows.Where(c => c.Status == published || c.InstructorIds.Contains(query.ViewerId!)),
            _ => rows,
        };
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToUpperInvariant();
#pragma warning disable CA1862, CA1304, CA1311 // translated to SQL upper(); the StringComparison overloads are not
            rows = rows.Where(c => c.Title.ToUpper().Contains(term) || (c.Subtitle != null && c.Subtitle.ToUpper().Contains(term)));
#pragma warning restore CA1862, CA1304, CA1311
        }
        if (query.Tag is { } tag)
        {
            rows = rows.Where(c => c.Tags.Contains(tag));
        }
        if (query.Level is { } level)
        {
            rows = rows.Where(c => c.Level == level);
        }
        if (query.InstructorId is { } instructor)
        {
            rows = rows.Where(c => c.InstructorIds.Contains(instructor));
        }
        var total = await rows.CountAsync(cancellationToken);
        var page = await rows.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id)
            .Skip(query.Skip).Take(query.Take)
            .Select(Summary)
            .ToListAsync(cancellationToken);
        return (page.Select(r => r.ToCourse()).ToList(), total);
    }

    public async Task<StoreWrite> InsertAsync(Course course, CancellationToken cancellationToken)
    {
        course.Version = 1;
        db.Courses.Add(CourseRecord.From(course));
        db.CourseLessons.AddRange(LessonIndex(course));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return StoreWrite.Ok;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return StoreWrite.SlugTaken;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<StoreWrite> ReplaceAsync(Course course, long expectedVersion, CancellationToken cancellationToken)
    {
        var row = CourseRecord.From(course);
        row.Version = expectedVersion + 1;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // The version in the filter makes the write conditional: a concurrent writer matches no row.
            var updated = await db.Courses
                .Where(c => c.Id == course.Id && c.Version == expectedVersion)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Slug, row.Slug)
                    .SetProperty(c => c.Title, row.Title)
                    .SetProperty(c => c.Subtitle, row.Subtitle)
                    .SetProperty(c => c.Description, row.Description)
                    .SetProperty(c => c.Tags, row.Tags)
                    .SetProperty(c => c.Level, row.Level)
                    .SetProperty(c => c.Language, row.Language)
                    .SetProperty(c => c.PriceAmount, row.PriceAmount)
                    .SetProperty(c => c.PriceCurrency, row.PriceCurrency)
                    .SetProperty(c => c.Status, row.Status)
                    .SetProperty(c => c.InstructorIds, row.InstructorIds)
                    .SetProperty(c => c.CoverImageUrl, row.CoverImageUrl)
                    .SetProperty(c => c.AccessDays, row.AccessDays)
                    .SetProperty(c => c.UpdatedAt, row.UpdatedAt)
                    .SetProperty(c => c.PublishedAt, row.PublishedAt)
                    .SetProperty(c => c.Version, row.Version)
                    .SetProperty(c => c.Outline, row.Outline), cancellationToken);
            if (updated == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return await db.Courses.AnyAsync(c => c.Id == course.Id, cancellationToken) ? StoreWrite.VersionConflict : StoreWrite.NotFound;
            }
            await db.CourseLessons.Where(l => l.CourseId == course.Id).ExecuteDeleteAsync(cancellationToken);
            db.CourseLessons.AddRange(LessonIndex(course));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            course.Version = row.Version;
            return StoreWrite.Ok;
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            await transaction.RollbackAsync(cancellationToken);
            return StoreWrite.SlugTaken;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<StoreWrite> DeleteAsync(string id, long expectedVersion, CancellationToken cancellationToken)
    {
        var deleted = await db.Courses.Where(c => c.Id == id && c.Version == expectedVersion).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 1)
        {
            await db.CourseLessons.Where(l => l.CourseId == id).ExecuteDeleteAsync(cancellationToken);
            return StoreWrite.Ok;
        }
        return await db.Courses.AnyAsync(c => c.Id == id, cancellationToken) ? StoreWrite.VersionConflict : StoreWrite.NotFound;
    }

    // Every column but the outline: lists and batches do not need sections.
    private static readonly System.Linq.Expressions.Expression<Func<CourseRecord, CourseRecord>> Summary = c => new CourseRecord
    {
        Id = c.Id, Slug = c.Slug, Title = c.Title, Subtitle = c.Subtitle, Description = c.Description,
        Tags = c.Tags, Level = c.Level, Language = c.Language, PriceAmount = c.PriceAmount, PriceCurrency = c.PriceCurrency,
        Status = c.Status, InstructorIds = c.InstructorIds, CoverImageUrl = c.CoverImageUrl, AccessDays = c.AccessDays, CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt, PublishedAt = c.PublishedAt, Version = c.Version, Outline = "[]",
    };

    private static IEnumerable<CourseLessonRecord> LessonIndex(Course course) =>
        course.Lessons.Select(l => new CourseLessonRecord { LessonId = l.Id, CourseId = course.Id });

    internal static readonly JsonSerializerOptions OutlineJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
