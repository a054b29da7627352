using LearnStream.Api.Common;
using LearnStream.Api.Features.Analytics;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Auth;
using LearnStream.Api.Features.Catalog;
using LearnStream.Api.Features.Enrollment;
using LearnStream.Api.Features.Payments;
using LearnStream.Api.Features.Progress;
using LearnStream.Api.Features.Users;
using LearnStream.Api.Features.Video;

var builder = WebApplication.CreateBuilder(args);

builder.AddPlatform();
builder.AddRelationalStore();
builder.AddRedis();
builder.AddAuth();
builder.AddUsers();
builder.AddCatalog();
builder.AddEnrollment();
builder.AddPayments();
builder.AddVideo();
builder.AddProgress();
builder.AddAnalytics();

var app = builder.Build();

app.UsePlatform();
app.MapSystemEndpoints();
app.MapAuthEndpoints();
app.MapUserEndpoints();
app.MapCatalogEndpoints();
app.MapEnrollmentEndpoints();
app.MapPaymentEndpoints();
app.MapVideoEndpoints();
app.MapProgressEndpoints();
app.MapAnalyticsEndpoints();

return await app.RunLearnStreamAsync();

public partial class Program;
