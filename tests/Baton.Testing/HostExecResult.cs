namespace Baton.Testing;

/// <summary>How a command run in a test host from the side (through Podman's exec API, not SSH) ended.</summary>
/// <param name="ExitCode">The command's exit code.</param>
/// <param name="Stdout">Everything it wrote to stdout, as UTF-8.</param>
/// <param name="Stderr">Everything it wrote to stderr, as UTF-8.</param>
public sealed record HostExecResult(int ExitCode, string Stdout, string Stderr);
