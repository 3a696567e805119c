// The shop: products read from PostgreSQL, uploads stored in S3, Prometheus metrics. Configured only through the
// environment, as Baton's process.service passes it: PORT, SHOP_DATABASE (an Npgsql connection string), SHOP_S3_*.
using System.Globalization;
using Shop;

var settings = ShopSettings.FromEnvironment(Environment.GetEnvironmentVariable);
if (settings.Version.StartsWith("broken", StringComparison.Ordinal))
{
    // A stand-in for a bad build, so the deploy runbook's automatic rollback can be shown and tested.
    await Console.Error.WriteLineAsync($"version {settings.Version} cannot start: this build is broken");
    return 1;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{settings.Port.ToString(CultureInfo.InvariantCulture)}");
builder.WebHost.ConfigureKestrel(options => options.Limits.MaxRequestBodySize = ShopSettings.MaxUploadBytes);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton<RequestCounter>();
builder.Services.AddSingleton<Catalog>();
builder.Services.AddSingleton<UploadStore>();

var app = builder.Build();
var counter = app.Services.GetRequiredService<RequestCounter>();
app.Use(async (context, next) =>
{
    context.Response.Headers["X-Shop-Instance"] = settings.Instance;
    context.Response.Headers["X-Shop-Version"] = settings.Version;
    await next(context);
    counter.Count(context.Request.Path, context.Response.StatusCode);
});

app.MapGet("/healthz", () => Results.Text($"ok {settings.Version}\n"));
app.MapGet("/products", async (Catalog catalog, CancellationToken cancellationToken) =>
    Results.Json(await catalog.ListAsync(cancellationToken), ShopJson.Default.ProductArray));
app.MapPost("/upload", async (HttpRequest request, UploadStore store, CancellationToken cancellationToken) =>
{
    var contentType = string.IsNullOrEmpty(request.ContentType) ? "application/octet-stream" : request.ContentType;
    var stored = await store.PutAsync(request.Body, contentType, cancellationToken);
    return Results.Json(stored, ShopJson.Default.StoredUpload, statusCode: StatusCodes.Status201Created);
});
app.MapGet("/metrics", () => Results.Text(counter.Render(settings), "text/plain; version=0.0.4; charset=utf-8"));

await app.RunAsync();
return 0;
