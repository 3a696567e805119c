using System.Text.RegularExpressions;
using Baton.Server.Tests.Support;
using Microsoft.Playwright;

namespace Baton.Dashboard.Tests.Support;

/// <summary>
/// One control plane (in-process, on a free loopback port, serving <see cref="Yaml"/> from a temp directory) and one
/// headless Chromium per test class. Each test opens its own browser contexts (fresh cookies) with
/// <see cref="NewContextAsync"/> or <see cref="LoggedInPageAsync"/>; disposing closes the browser, stops the control
/// plane and deletes the directory.
/// </summary>
public abstract class DashboardFixture : IAsyncLifetime
{
    /// <summary>How long a Playwright wait may take on a slow, shared machine.</summary>
    public const float Patience = 30_000;

    private static readonly string[] ChromiumArguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly List<IBrowserContext> _contexts = [];
    private ServerHarness? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The stack file served.</summary>
    protected abstract string Yaml { get; }

    internal ServerHarness Server => _server ?? throw new InvalidOperationException("the fixture is not started");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the fixture is not started");

    public string StackName => Server.StackName;

    public string SessionToken => Server.Plane.SessionToken;

    /// <summary>The control plane's address without a trailing slash, such as <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl => Server.Plane.Address.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(Patience);
        _server = await ServerHarness.StartAsync(Yaml);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = ChromiumArguments,
            Timeout = Patience * 2,
        });
    }

    /// <summary>A fresh browser context (no cookies) whose relative URLs go to the control plane.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(Patience);
        context.SetDefaultNavigationTimeout(Patience);
        _contexts.Add(context);
        return context;
    }

    /// <summary>A page of a fresh context logged in with <paramref name="token"/> (the session token by default), on the stacks page.</summary>
    public async Task<IPage> LoggedInPageAsync(string? token = null)
    {
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login#token=" + Uri.EscapeDataString(token ?? SessionToken));
        await page.WaitForURLAsync(new Regex("^" + Regex.Escape(BaseUrl) + "/$"));
        return page;
    }

    /// <summary>
    /// Cancels a run through the API unless it already finished, and waits for it to end: a workflow runs one run at a
    /// time, so a run left waiting for approval would hold back the next test's run of it.
    /// </summary>
    public async Task FinishRunAsync(string runId)
    {
        var path = $"/api/stacks/{StackName}/runs/{runId}";
        static bool Finished(System.Text.Json.JsonElement detail) =>
            detail.GetProperty("run").GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled";

        if (!Finished(await Server.GetJsonAsync(path)))
        {
            using var response = await Server.Admin.PostAsync(new Uri(path + "/cancel", UriKind.Relative), ServerHarness.JsonBody(new { comment = "the test is over" }));
        }

        await ServerHarness.EventuallyAsync(async () => Finished(await Server.GetJsonAsync(path)), $"run {runId} to finish");
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
