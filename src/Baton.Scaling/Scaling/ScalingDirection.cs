namespace Baton.Scaling;

/// <summary>Which way a <see cref="ScalingDecision"/> moves the replica count.</summary>
public enum ScalingDirection
{
    /// <summary>Keep the current replica count.</summary>
    None,

    /// <summary>Add replicas.</summary>
    Out,

    /// <summary>Remove replicas.</summary>
    In,
}
