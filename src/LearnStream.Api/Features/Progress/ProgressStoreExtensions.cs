using LearnStream.Api.Data;
using LearnStream.Api.Features.Catalog;

namespace LearnStream.Api.Features.Progress;

public static class ProgressStoreExtensions
{
    /// <summary>Progress lives in the content store, beside the courses: <c>Content:Store</c> chooses both.</summary>
    public static IHostApplicationBuilder AddProgressStore(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration[$"{ContentOptions.Section}:Store"] == ContentOptions.Mongo)
        {
            builder.AddMongoStore();
            // Collections are thread-safe singletons, so the store is one too.
            builder.Services.AddSingleton<IProgressStore, MongoProgressStore>();
        }
        else
        {
            builder.Services.AddScoped<IProgressStore, RelationalProgressStore>();
        }
        return builder;
    }
}
