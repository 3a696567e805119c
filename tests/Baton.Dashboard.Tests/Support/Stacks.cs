using Baton.Server.Tests.Support;

namespace Baton.Dashboard.Tests.Support;

/// <summary>The stacks the dashboard tests serve.</summary>
internal static class Stacks
{
    /// <summary>Two slow sim resources, one needing the other, so the graph shows each one creating before it is ready.</summary>
    public const string Slow = """
        stack: live
        resources:
          network:
            type: sim.resource
            properties: { input: { cidr: 10.0.0.0/16 }, latency: 4s }
          server:
            type: sim.resource
            properties: { input: { network: "${network.id}" }, latency: 1s }
        """;

    /// <summary>A small shop: a layered graph of sim resources, a file, outputs and a release workflow with an approval gate.</summary>
    public const string Shop = """
        stack: shop
        variables:
          environment: { type: string, default: staging }
        providers:
          file:
            roots: [out]
        resources:
          network:
            type: sim.resource
            properties: { input: { cidr: 10.0.0.0/16, environment: "${var.environment}" }, latency: 300ms }
          database:
            type: sim.resource
            properties: { input: { network: "${network.id}", engine: postgres }, latency: 700ms }
          cache:
            type: sim.resource
            properties: { input: { network: "${network.id}" }, latency: 200ms }
          workers:
            type: sim.resource
            count: 2
            properties: { input: { name: "worker-${count.index}", database: "${database.id}", cache: "${cache.id}" }, latency: 300ms }
          balancer:
            type: sim.resource
            properties: { input: { backends: "${workers[*].id}" }, latency: 200ms }
          config:
            type: file.file
            properties:
              path: out/app.conf
              content: "backends=${balancer.id}\n"
        outputs:
          balancer: ${balancer.id}
          config_path: ${config.path}
        workflows:
          release:
            steps:
              build: { uses: exec, with: { command: [echo, built] } }
              test: { uses: exec, needs: [build], with: { command: [echo, tested] } }
              gate: { uses: approval, needs: [test], with: { message: "ship it?", timeout: 1h } }
              ship: { uses: exec, needs: [gate], with: { command: [echo, shipped] } }
        """;

    public const string Secret = TestStacks.Secret;

    public const string Vault = TestStacks.Vault;

    public static string Web => TestStacks.Web;
}

public sealed class WebFixture : DashboardFixture
{
    protected override string Yaml => Stacks.Web;
}

public sealed class SlowFixture : DashboardFixture
{
    protected override string Yaml => Stacks.Slow;
}

public sealed class VaultFixture : DashboardFixture
{
    protected override string Yaml => Stacks.Vault;
}

/// <summary>The shop stack, applied once (by the first test that asks) for the tests that need history.</summary>
public sealed class ShopFixture : DashboardFixture
{
    private readonly Lazy<Task<string>> _applied;

    public ShopFixture() => _applied = new(async () => await Server.ApplyAsync(await Server.PlanAsync()));

    protected override string Yaml => Stacks.Shop;

    /// <summary>Plans and applies the stack the first time; returns the apply's id.</summary>
    public Task<string> AppliedAsync() => _applied.Value;
}
