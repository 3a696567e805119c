namespace Baton.Server.Stacks;

/// <summary>The stacks a control plane serves, by name.</summary>
internal sealed class StackCatalog(IReadOnlyList<ServedStack> stacks)
{
    private readonly Dictionary<string, ServedStack> _byName = stacks.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public IReadOnlyList<ServedStack> All { get; } = stacks;

    public ServedStack? Find(string name) => _byName.GetValueOrDefault(name);
}
