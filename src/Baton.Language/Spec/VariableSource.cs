namespace Baton.Spec;

/// <summary>Where a variable's value came from, in increasing precedence.</summary>
public enum VariableSource
{
    /// <summary>The declared default.</summary>
    Default,

    /// <summary>A <c>BATON_VAR_name</c> environment variable.</summary>
    Environment,

    /// <summary>A <c>--var-file</c>.</summary>
    File,

    /// <summary>A <c>--var name=value</c> option.</summary>
    CommandLine,
}
