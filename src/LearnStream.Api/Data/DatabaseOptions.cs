using Microsoft.Extensions.Options;

namespace LearnStream.Api.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>Bound from <c>ConnectionStrings:Database</c>; for SQLite it defaults to a file in DataDirectory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply migrations at start. EF Core takes a database lock, so several nodes may start at once.</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        if (options.Provider is not (DatabaseOptions.Sqlite or DatabaseOptions.Postgres))
        {
            return ValidateOptionsResult.Fail("Database:Provider must be 'sqlite' or 'postgres'.");
        }
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail($"ConnectionStrings:Database is required for Database:Provider={options.Provider}.");
        }
        return ValidateOptionsResult.Success;
    }
}
