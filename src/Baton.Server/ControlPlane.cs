using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Access;
using Baton.Engine.Telemetry;
using Baton.Server.Api;
using Baton.Server.Events;
using Baton.Server.Security;
using Baton.Server.Stacks;
using Baton.Server.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Baton.Server;

/// <summary>
/// <c>baton serve</c>: the REST API, the live event stream, and for each served stack the file watcher (the last good
/// version keeps running when an edit breaks the files), the event tail and the workflow worker (schedules and runs).
/// </summary>
public sealed class ControlPlane : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private readonly ControlPlaneServices _services;
    private readonly List<Task> _loops = [];
    private readonly IReadOnlyList<ServedStack> _stacks;
    private int _disposed;
    private Meter? _meter;
    private ILogger? _logger;

    private const string MeterName = "Baton.ControlPlane";

    private ControlPlane(WebApplication app, CancellationTokenSource stopping, ControlPlaneServices services, IReadOnlyList<ServedStack> stacks, string sessionToken)
    {
        _app = app;
        _stopping = stopping;
        _services = services;
        _stacks = stacks;
        SessionToken = sessionToken;
    }

    /// <summary>Where it listens, such as <c>http://127.0.0.1:8140</c>.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>An admin token valid while this control plane runs (never stored); give it to the person who started it.</summary>
    public string SessionToken { get; }

    /// <summary>The names of the served stacks.</summary>
    public IReadOnlyList<string> StackNames => [.. _stacks.Select(s => s.Name)];

    /// <summary>The JSON options of every API answer: snake_case names, enums as words, values with secrets redacted.</summary>
    public static JsonSerializerOptions Json { get; } = CreateJson();

    /// <summary>Opens the stacks, starts listening and starts the background loops.</summary>
    /// <exception cref="StackLoadException">A stack has errors.</exception>
    public static async Task<ControlPlane> StartAsync(ControlPlaneOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Stacks.Count == 0)
        {
            throw new ArgumentException("serve at least one stack", nameof(options));
        }

        var (host, port) = ParseListen(options.Listen);
        var hub = new EventHub();
        var stacks = new List<ServedStack>();
        try
        {
            foreach (var source in options.Stacks)
            {
                var stack = await ServedStack.OpenAsync(source, options.Registry, hub, options.Time, cancellationToken);
                stacks.Add(stack);
                if (stacks.Count(s => s.Name == stack.Name) > 1)
                {
                    throw new ArgumentException($"two served stacks are named \"{stack.Name}\" ({string.Join(", ", stacks.Where(s => s.Name == stack.Name).Select(s => s.Directory))})", nameof(options));
                }
            }
        }
        catch
        {
            foreach (var opened in stacks)
            {
                await opened.DisposeAsync();
            }

            throw;
        }

        var access = stacks[0].Stores.Access;
        var (sessionText, sessionRecord) = ApiTokens.Create(ApiRole.Admin, "the control plane's session", "session token", options.Time.GetUtcNow());
        var stopping = new CancellationTokenSource();
        var services = new ControlPlaneServices(new StackCatalog(stacks), access, hub, options.Time, stopping.Token);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ControlPlane).Assembly.GetName().Name, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (options.Log is { } log)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(new TextWriterLoggerProvider(log, options.LogLevel));
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Listen(host, port, listen =>
            {
                if (options.TlsCertificatePath is { } certificate)
                {
                    listen.UseHttps(LoadCertificate(certificate, options.TlsKeyPath));
                }
            });
        });
        builder.Services.AddSingleton(services);
        builder.Services.AddSingleton<IAccessStore>(access);
        builder.Services.AddSingleton(services.Audit);
        builder.Services.AddSingleton(options.Time);
        builder.Services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            if (c.Exception is BadHttpRequestException bad)
            {
                c.ProblemDetails.Detail = bad.InnerException is JsonException json ? "the body is not valid JSON: " + json.Message : bad.Message;
            }
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        var validator = new TokenValidator(access, sessionRecord);
        builder.Services.AddSingleton(validator);
        builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "token or dashboard session", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "baton_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/login";
                o.Events.OnRedirectToLogin = c =>
                {
                    if (!IsApi(c.Request))
                    {
                        AuditNote.Set(c.HttpContext, null, "refused");
                        return Redirect(c);
                    }

                    c.Response.Headers.WWWAuthenticate = "Bearer";
                    return Problems.WriteAsync(c.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", "Send a token: Authorization: Bearer bt_… (create one with `baton token create`).");
                };
                o.Events.OnRedirectToAccessDenied = c => Problems.WriteAsync(c.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", $"This needs a higher role than {Roles.Of(c.HttpContext.User)?.ToString().ToLowerInvariant() ?? "none"}.");
                o.Events.OnValidatePrincipal = async c =>
                {
                    // A session ends as soon as its token is revoked.
                    if (c.Principal?.FindFirst(Roles.TokenClaim)?.Value is not { } id || !await validator.IsValidAsync(id, c.HttpContext.RequestAborted))
                    {
                        c.RejectPrincipal();
                        await c.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Viewer, p => p.RequireAssertion(c => Roles.Of(c.User) >= ApiRole.Viewer))
            .AddPolicy(Roles.Operator, p => p.RequireAssertion(c => Roles.Of(c.User) >= ApiRole.Operator))
            .AddPolicy(Roles.Admin, p => p.RequireAssertion(c => Roles.Of(c.User) >= ApiRole.Admin))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAssertion(c => Roles.Of(c.User) >= ApiRole.Viewer).Build());
        builder.Services.AddOpenApi("v1");
        builder.Services.AddRazorComponents();
        var meter = new Meter(MeterName, "1.0");
        meter.CreateObservableGauge("baton.workflow.queue_depth", () => stacks.Select(s => new Measurement<long>(s.Worker.Unfinished, new KeyValuePair<string, object?>("stack", s.Name))), description: "Unfinished workflow runs");
        meter.CreateObservableGauge("baton.reconciler.lag", () => stacks.Select(s => new Measurement<double>(s.LastHealthPass is { } at ? (options.Time.GetUtcNow() - at).TotalSeconds : 0, new KeyValuePair<string, object?>("stack", s.Name))), unit: "s", description: "Seconds since the reconciler's last health pass");
        meter.CreateObservableGauge("baton.events.subscribers", () => hub.SubscriberCount, description: "Live event stream subscribers");
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("baton", serviceVersion: typeof(ControlPlane).Assembly.GetName().Version?.ToString()))
            .WithMetrics(m =>
            {
                m.AddMeter(BatonTelemetry.Name, MeterName).AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (options.OtlpEndpoint is { } endpoint)
                {
                    m.AddOtlpExporter(o => o.Endpoint = endpoint);
                }
            })
            .WithTracing(t =>
            {
                t.AddSource(BatonTelemetry.Name).AddAspNetCoreInstrumentation();
                if (options.OtlpEndpoint is { } endpoint)
                {
                    t.AddOtlpExporter(o => o.Endpoint = endpoint);
                }
            });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "baton_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        var app = builder.Build();
        app.UseMiddleware<AuditMiddleware>();
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapGet("/healthz", () => Results.Text("ok\n")).AllowAnonymous().ExcludeFromDescription();
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(Roles.Viewer);
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Roles.Viewer);
        var api = app.MapGroup("/api");
        StackApi.Map(api, services);
        RunApi.Map(api, services);
        TokenApi.Map(api, services);
        AuditApi.Map(api, services);
        EventStreamApi.Map(api, services, Json);
        DashboardEndpoints.Map(app, services, validator);
        app.MapRazorComponents<App>();

        var plane = new ControlPlane(app, stopping, services, stacks, sessionText) { _meter = meter };
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        plane.Address = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal));
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Baton.ControlPlane");
        hub.Logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Baton.Events");
        plane._logger = logger;
        var names = string.Join(", ", plane.StackNames);
        Log.Serving(logger, names, plane.Address);
        plane.StartLoops(options);
        return plane;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_logger is { } logger)
        {
            Log.Stopping(logger);
        }

        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await Task.WhenAll(_loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _services.DrainAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _services.Audit.FlushAsync(all: true).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _app.DisposeAsync();
        foreach (var stack in _stacks)
        {
            await stack.DisposeAsync();
        }

        _stopping.Dispose();
        _services.Audit.Dispose();
        _meter?.Dispose();
    }

    private void StartLoops(ControlPlaneOptions options)
    {
        var stop = _stopping.Token;
        _loops.Add(Task.Run(
            async () =>
            {
                var every = _services.Audit.Throttle.Window;
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(every, options.Time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await _services.Audit.FlushAsync(all: false).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            },
            CancellationToken.None));
        foreach (var stack in _stacks)
        {
            _loops.Add(Loop(stack, "reload", options.ReloadInterval, _ =>
            {
                stack.ReloadIfChanged();
                return Task.CompletedTask;
            }));
            _loops.Add(Loop(stack, "events", options.EventInterval, stack.PumpEventsAsync));
            if (options.RunWorkers)
            {
                _loops.Add(Task.Run(() => stack.RunWorkerAsync(stop), CancellationToken.None));
            }

            if (options.Reconcile)
            {
                _loops.Add(Task.Run(() => stack.RunReconcilerAsync(stop), CancellationToken.None));
                _loops.Add(Task.Run(() => stack.RunAutoscalerAsync(stop), CancellationToken.None));
            }
        }

        Task Loop(ServedStack stack, string name, TimeSpan interval, Func<CancellationToken, Task> body) => Task.Run(
            async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await body(stop);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        break;
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        stack.Publish("control.error", $"the {name} loop failed and will try again: {ex.Message}");
                    }

                    await Task.Delay(interval, options.Time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            },
            CancellationToken.None);
    }

    private const string Scheme = "baton";

    /// <summary>
    /// A bearer token wins; without one, pages and API reads use the dashboard's session cookie, but API writes never do
    /// (they need the header, which a cross-site form cannot send).
    /// </summary>
    private static string SelectScheme(HttpContext context) =>
        context.Request.Headers.Authorization.Count > 0 || (IsApi(context.Request) && !HttpMethods.IsGet(context.Request.Method))
            ? TokenAuthenticationHandler.SchemeName
            : CookieAuthenticationDefaults.AuthenticationScheme;

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || request.Path.StartsWithSegments("/openapi", StringComparison.Ordinal) || request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal);

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Parses <c>HOST:PORT</c> (an IP address or <c>localhost</c>; IPv6 in brackets).</summary>
    public static (IPAddress Host, int Port) ParseListen(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
        {
            throw new FormatException($"--listen \"{listen}\" is not HOST:PORT (such as 127.0.0.1:8140)");
        }

        var host = listen[..colon].Trim('[', ']');
        if (host == "localhost")
        {
            return (IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address)
            ? (address, port)
            : throw new FormatException($"--listen \"{listen}\": \"{host}\" is not an IP address (names other than localhost are not resolved)");
    }

    private static X509Certificate2 LoadCertificate(string path, string? keyPath) =>
        keyPath is not null
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509CertificateLoader.LoadPkcs12FromFile(path, password: null);

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new RedactedValueConverter());
    }
}
