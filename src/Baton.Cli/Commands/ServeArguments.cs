using System.CommandLine;
using Baton.Engine.Hosting;
using Baton.Server;
using Microsoft.Extensions.Logging;

namespace Baton.Cli.Commands;

/// <summary>The options <c>serve</c> and <c>up</c> share: where to listen, TLS, and how much to log.</summary>
internal sealed class ServeArguments
{
    public Option<string> Listen { get; } = new("--listen")
    {
        Description = "Where to listen, HOST:PORT (port 0 picks a free one); loopback unless you say otherwise",
        DefaultValueFactory = _ => "127.0.0.1:8140",
        HelpName = "HOST:PORT",
    };

    public Option<string> LogLevel { get; } = new("--log-level")
    {
        Description = "The least level of the control plane's log lines on standard error: debug, info (every event), warn, error or none",
        DefaultValueFactory = _ => "info",
        HelpName = "LEVEL",
    };

    public Option<string?> TlsCertificate { get; } = new("--tls-cert") { Description = "Serve HTTPS with this certificate (PEM with --tls-key, or PKCS#12)", HelpName = "FILE" };

    public Option<string?> TlsKey { get; } = new("--tls-key") { Description = "The PEM private key of --tls-cert", HelpName = "FILE" };

    public void AddTo(Command command)
    {
        command.Options.Add(Listen);
        command.Options.Add(LogLevel);
        command.Options.Add(TlsCertificate);
        command.Options.Add(TlsKey);
    }

    /// <summary>The control plane's options for <paramref name="sources"/>, as the arguments and environment say.</summary>
    public ControlPlaneOptions Options(ParseResult parse, CliContext context, IReadOnlyList<StackSource> sources) => new()
    {
        Stacks = sources,
        Registry = Workspace.Registry,
        Listen = parse.GetValue(Listen)!,
        TlsCertificatePath = parse.GetValue(TlsCertificate),
        TlsKeyPath = parse.GetValue(TlsKey),
        Log = context.Error,
        LogLevel = Level(parse.GetValue(LogLevel)),
        OtlpEndpoint = context.Environment.TryGetValue("OTEL_EXPORTER_OTLP_ENDPOINT", out var otlp) && Uri.TryCreate(otlp, UriKind.Absolute, out var endpoint) ? endpoint : null,
    };

    private static LogLevel Level(string? text) => text switch
    {
        "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "info" or null => Microsoft.Extensions.Logging.LogLevel.Information,
        "warn" => Microsoft.Extensions.Logging.LogLevel.Warning,
        "error" => Microsoft.Extensions.Logging.LogLevel.Error,
        "none" => Microsoft.Extensions.Logging.LogLevel.None,
        _ => throw new CliException($"--log-level \"{text}\" is not a level; use debug, info, warn, error or none"),
    };
}
