namespace Baton.Cli;

/// <summary>The exit codes of the baton command.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The input has errors, or the command failed.</summary>
    public const int Error = 1;

    /// <summary>The command line itself could not be understood.</summary>
    public const int Usage = 2;
}
