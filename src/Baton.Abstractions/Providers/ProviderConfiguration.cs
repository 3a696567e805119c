using Baton.Values;

namespace Baton.Providers;

/// <summary>What a provider instance is given when it starts: its configuration and where it lives.</summary>
public sealed record ProviderConfiguration
{
    /// <summary>The instance name: <c>s3</c> or <c>s3.dr</c>.</summary>
    public required string InstanceName { get; init; }

    /// <summary>The configuration from the stack file, a map (evaluated; may hold sensitive values).</summary>
    public required Value Settings { get; init; }

    /// <summary>
    /// The stack's remote hosts (<c>hosts:</c>): a map from each host's name to how to reach it — <c>address</c>,
    /// <c>port</c>, <c>user</c>, <c>group</c>, <c>become</c>, <c>become_user</c>, <c>private_key</c> (sensitive),
    /// <c>private_key_file</c>, <c>known_hosts_file</c> (paths as written, relative to <see cref="StackDirectory"/>)
    /// and <c>vars</c>. Empty when the stack has none.
    /// </summary>
    public Value Inventory { get; init; } = Value.EmptyMap;

    /// <summary>The stack's name, for labels a provider puts on what it makes (empty when not known).</summary>
    public string StackName { get; init; } = "";

    /// <summary>The stack directory; relative paths in settings are relative to it.</summary>
    public required string StackDirectory { get; init; }

    /// <summary>The stack's state directory (<c>.baton/</c>), for a provider's own files such as logs.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The host's template renderer (Baton's expression language over files of the stack directory); null when the host offers none.</summary>
    public ITemplateRenderer? Templates { get; init; }

    /// <summary>The clock; providers never read the system clock directly.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The setting <paramref name="name"/>, or null when it is not given.</summary>
    public Value? Setting(string name) =>
        Settings.Kind == ValueKind.Map && Settings.AsMap().TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value : null;

    /// <summary>
    /// The setting <paramref name="name"/> as text, or null when it is not given. Any other value adds a problem
    /// naming the setting to <paramref name="problems"/> and gives null.
    /// </summary>
    public string? TextSetting(string name, ICollection<ProviderSettingProblem> problems) =>
        Checked(name, ValueKind.String, "a string", problems)?.AsString();

    /// <summary>
    /// The setting <paramref name="name"/> as true or false, or null when it is not given. Any other value adds a
    /// problem naming the setting to <paramref name="problems"/> and gives null.
    /// </summary>
    public bool? FlagSetting(string name, ICollection<ProviderSettingProblem> problems) =>
        Checked(name, ValueKind.Bool, "true or false", problems)?.AsBool();

    private Value? Checked(string name, ValueKind kind, string expected, ICollection<ProviderSettingProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var value = Setting(name);
        if (value is null || value.Kind == kind)
        {
            return value;
        }

        problems.Add(new ProviderSettingProblem(name, $"expected {expected}, got {value.ToDisplayString()}"));
        return null;
    }
}
