namespace Baton.Providers.Container;

/// <summary>
/// The labels baton puts on every container, network, volume and image it makes, so what an interrupted create made
/// is found again after a crash (by the create's operation id, the journal's idempotency key) and nothing is left
/// unmanaged: <c>baton.stack</c>, <c>baton.resource</c> (the address) and <c>baton.operation</c> on everything;
/// containers also carry the service's id, the replica's index and port, and what they run.
/// </summary>
internal static class ContainerLabels
{
    /// <summary>Every label baton sets starts with this; a stack's own labels may not.</summary>
    public const string Prefix = "baton.";

    public const string Stack = "baton.stack";

    public const string Resource = "baton.resource";

    public const string Operation = "baton.operation";

    public const string Service = "baton.service";

    public const string Index = "baton.index";

    public const string Port = "baton.port";

    /// <summary>A short hash of the inputs that decide what a container runs (see <see cref="ContainerServiceSpec.InputsHash"/>).</summary>
    public const string InputsHash = "baton.inputs-hash";

    /// <summary>The service's inputs (plain JSON), so an action can start a replacement knowing only the service's id.</summary>
    public const string Spec = "baton.spec";

    /// <summary>The labels every object gets.</summary>
    public static Dictionary<string, string> For(string stack, string address, string operation) => new(StringComparer.Ordinal)
    {
        [Stack] = stack,
        [Resource] = address,
        [Operation] = operation,
    };
}
