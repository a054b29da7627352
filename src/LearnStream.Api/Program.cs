using LearnStream.Api.Common;
using LearnStream.Api.Data;
using LearnStream.Api.Features.Auth;
using LearnStream.Api.Features.Users;

var builder = WebApplication.CreateBuilder(args);

builder.AddPlatform();
builder.AddRelationalStore();
builder.AddRedis();
builder.AddAuth();
builder.AddUsers();

var app = builder.Build();

app.UsePlatform();
app.MapSystemEndpoints();
app.MapAuthEndpoints();
app.MapUserEndpoints();

return await app.RunLearnStreamAsync();

public partial class Program;
