namespace Baton.Spec.Declarations;

/// <summary>What a failed policy does.</summary>
public enum PolicyEnforcement
{
    /// <summary>Fail the plan.</summary>
    Deny,

    /// <summary>Report a warning.</summary>
    Warn,
}
