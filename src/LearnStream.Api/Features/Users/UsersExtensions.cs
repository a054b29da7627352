using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LearnStream.Api.Features.Users;

public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
}

public static class UsersExtensions
{
    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section);
        return builder;
    }

    /// <summary>
    /// Creates the first admin from configuration when no admin exists. There is no default password:
    /// without both settings nothing is created.
    /// </summary>
    public static async Task BootstrapAdminAsync(this IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<BootstrapOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.AdminEmail))
        {
            return;
        }
        if (string.IsNullOrEmpty(options.AdminPassword))
        {
            throw new ConfigurationException("Bootstrap:AdminPassword is required when Bootstrap:AdminEmail is set.");
        }
        if (services.GetRequiredService<PasswordPolicy>().Check(options.AdminPassword) is { } weak)
        {
            throw new ConfigurationException($"Bootstrap:AdminPassword is refused: {weak}");
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LearnStreamDbContext>();
        if (await db.Users.AnyAsync(u => u.Role == Roles.Admin))
        {
            return;
        }
        var normalized = User.Normalize(options.AdminEmail);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized))
        {
            // Promoting it would hand admin to whoever registered that address first.
            throw new ConfigurationException("Bootstrap:AdminEmail belongs to an existing non-admin account; choose another address.");
        }
        var hashing = services.GetRequiredService<PasswordHashingGate>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        db.Users.Add(new User
        {
            Id = Guid.CreateVersion7(now),
            Name = "Administrator",
            Email = options.AdminEmail.Trim(),
            NormalizedEmail = normalized,
            PasswordHash = hashing.Hasher.Hash(options.AdminPassword),
            Role = Roles.Admin,
            CreatedAt = now,
            UpdatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another node created it at the same moment.
        }
    }
}
