using Baton.Engine.Hosting;
using Baton.Engine.Providers;

namespace Baton.Server;

/// <summary>How to run a control plane. Every default is written here.</summary>
public sealed record ControlPlaneOptions
{
    /// <summary>The stacks to serve (at least one). Tokens and the audit log live in the first one's state store.</summary>
    public required IReadOnlyList<StackSource> Stacks { get; init; }

    /// <summary>The provider families.</summary>
    public required ProviderRegistry Registry { get; init; }

    /// <summary>Where to listen, <c>HOST:PORT</c> (port 0 picks a free one). Default: <c>127.0.0.1:8140</c>, loopback only.</summary>
    public string Listen { get; init; } = "127.0.0.1:8140";

    /// <summary>A PEM certificate file for HTTPS (with <see cref="TlsKeyPath"/>), or a PKCS#12 file alone; null for HTTP.</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; init; }

    /// <summary>How often the stacks' files are checked for edits. Default: 2 s.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often new events are read into the live stream. Default: 200 ms.</summary>
    public TimeSpan EventInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether to fire schedules and execute workflow runs. Default: true.</summary>
    public bool RunWorkers { get; init; } = true;

    /// <summary>Whether to check health and drift (and heal, and correct drift where the stack says so). Default: true.</summary>
    public bool Reconcile { get; init; } = true;

    /// <summary>An OTLP endpoint (such as http://127.0.0.1:4317) to export traces and metrics to; null for none. The CLI passes OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>The least level of the control plane's own log lines (every event is one, at Information). Default: Information.</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>Where log lines go (the control plane's own from <see cref="LogLevel"/>, the web host's warnings and errors). Default: none.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
