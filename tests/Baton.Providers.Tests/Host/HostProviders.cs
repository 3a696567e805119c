using Baton.Expressions;
using Baton.Providers.Host;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.Host;

/// <summary>
/// Host providers on the fixture's fleet: an inventory naming every host of it as <c>NAME</c> (root),
/// <c>NAME-deploy</c> (deploy with become) and <c>NAME-limited</c> (limited, no sudo), with the fleet's key and strict
/// known_hosts; and short ways to call the provider as the engine does.
/// </summary>
internal static class HostProviders
{
    public static ProviderConfiguration Configuration(SshHostFleet fleet, Func<SshHost, string, Value>? entry = null, params (string Key, object? Value)[] settings)
    {
        var key = Value.String(System.IO.File.ReadAllText(fleet.PrivateKeyPath)).AsSensitive();
        Value Entry(SshHost host, string user, bool become) => V.Map(
            ("address", host.Address), ("port", host.Port), ("user", user), ("private_key", key),
            ("known_hosts", host.KnownHostsLine + "\n"), ("become", become), ("group", "web"),
            ("vars", V.Map(("role", "frontend"), ("zone", host.Name))));
        var inventory = new List<(string, object?)>();
        foreach (var host in fleet.Hosts)
        {
            inventory.Add((host.Name, entry?.Invoke(host, host.Name) ?? Entry(host, "root", false)));
            inventory.Add((host.Name + "-deploy", entry?.Invoke(host, host.Name + "-deploy") ?? Entry(host, SshHostImage.DeployUser, true)));
            inventory.Add((host.Name + "-limited", entry?.Invoke(host, host.Name + "-limited") ?? Entry(host, SshHostImage.LimitedUser, false)));
        }

        return new ProviderConfiguration
        {
            InstanceName = "host",
            Settings = V.Map([("inventory", V.Map([.. inventory])), .. settings.Any(s => s.Key == "connect_timeout") ? settings : [("connect_timeout", "5s"), .. settings]]),
            StackDirectory = fleet.Directory,
            StateDirectory = Path.Combine(fleet.Directory, ".baton"),
            Templates = new StackTemplateRenderer(fleet.Directory),
        };
    }

    public static async Task<IProvider> StartAsync(SshHostFleet fleet, params (string Key, object? Value)[] settings) =>
        await new HostProviderFactory().StartAsync(Configuration(fleet, null, settings));

    /// <summary>The connection the provider keeps to the inventory host <paramref name="name"/>.</summary>
    public static HostConnection Connection(IProvider provider, string name)
    {
        var host = (HostProvider)provider;
        return host.ConnectionTo(name) ?? throw new InvalidOperationException($"no host {name}");
    }

    public static async Task<ResourceResult> CreateAsync(this IProvider provider, string type, Value inputs, string? address = null)
    {
        var result = await provider.CreateAsync(new CreateRequest { Type = type, Address = address ?? type + ".test", Inputs = inputs, IdempotencyKey = Guid.NewGuid().ToString("N") }, CancellationToken.None);
        Assert.True(result.Error is null, result.Error?.Message);
        return result;
    }

    public static Task<ResourceResult> TryCreateAsync(this IProvider provider, string type, Value inputs, string? address = null) =>
        provider.CreateAsync(new CreateRequest { Type = type, Address = address ?? type + ".test", Inputs = inputs, IdempotencyKey = Guid.NewGuid().ToString("N") }, CancellationToken.None).AsTask();

    public static async Task<ResourceResult> UpdateAsync(this IProvider provider, string type, ResourceResult prior, Value priorInputs, Value inputs, string? address = null)
    {
        var result = await provider.UpdateAsync(new UpdateRequest
        {
            Type = type,
            Address = address ?? type + ".test",
            Id = prior.Id!,
            PriorInputs = priorInputs,
            PriorAttributes = prior.Attributes!,
            Inputs = inputs,
            IdempotencyKey = Guid.NewGuid().ToString("N"),
        }, CancellationToken.None);
        Assert.True(result.Error is null, result.Error?.Message);
        return result;
    }

    public static async Task<ReadResult> ReadAsync(this IProvider provider, string type, string id, Value inputs, Value? attributes = null, string? address = null)
    {
        var result = await provider.ReadAsync(new ReadRequest { Type = type, Address = address ?? type + ".test", Id = id, Inputs = inputs, Attributes = attributes }, CancellationToken.None);
        Assert.True(result.Error is null, result.Error?.Message);
        return result;
    }

    /// <summary>What the planner does after a refresh: plans the same inputs against the attributes just read.</summary>
    public static async Task<PlanResult> PlanAsync(this IProvider provider, string type, Value inputs, Value? priorInputs, Value? refreshed, string? address = null) =>
        await provider.PlanAsync(new PlanRequest { Type = type, Address = address ?? type + ".test", Inputs = inputs, PriorInputs = priorInputs, PriorAttributes = refreshed }, CancellationToken.None);

    public static async Task DeleteAsync(this IProvider provider, string type, ResourceResult created, string? address = null)
    {
        var result = await provider.DeleteAsync(new DeleteRequest { Type = type, Address = address ?? type + ".test", Id = created.Id!, Attributes = created.Attributes!, IdempotencyKey = Guid.NewGuid().ToString("N") }, CancellationToken.None);
        Assert.True(result.Error is null, result.Error?.Message);
    }

    public static async Task<InvokeResult> InvokeAsync(this IProvider provider, string action, Value inputs) =>
        await provider.InvokeAsync(new InvokeRequest { Action = action, Inputs = inputs, IdempotencyKey = Guid.NewGuid().ToString("N") }, CancellationToken.None);

    /// <summary>The attributes whose values differ between a plan and what was read (as the planner's drift check sees them).</summary>
    public static List<string> Differences(Value planned, Value actual) =>
        [.. planned.AsMap().Where(e => e.Value.IsWhollyKnown && (!actual.AsMap().TryGetValue(e.Key, out var a) || a != e.Value)).Select(e => e.Key).Order(StringComparer.Ordinal)];

    /// <summary>Runs <paramref name="argv"/> on <paramref name="host"/> from the side and requires it to succeed.</summary>
    public static async Task<string> SideAsync(this SshHostFleet fleet, SshHost host, params string[] argv)
    {
        var result = await fleet.ExecAsync(host, argv);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', argv)}: {result.Stderr}");
        return result.Stdout;
    }
}
