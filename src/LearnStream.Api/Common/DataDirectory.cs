namespace LearnStream.Api.Common;

/// <summary>Where the embedded default keeps its files: the SQLite database, media and development keys.</summary>
public sealed record DataDirectory(string Path)
{
    public static DataDirectory From(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["DataDirectory"];
        var path = string.IsNullOrWhiteSpace(configured) ? "data" : configured;
        var full = System.IO.Path.GetFullPath(path, environment.ContentRootPath);
        return new DataDirectory(full);
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string EnsureSubdirectory(string name)
    {
        var directory = Combine(name);
        Directory.CreateDirectory(directory);
        return directory;
    }
}
