using System.Security.Cryptography;
using Baton.Diagnostics;
using Baton.Engine.Applying;
using Baton.Engine.Planning;
using Baton.Engine.Providers;
using Baton.Binding;
using Baton.Plans;
using Baton.Providers.Sim;
using Baton.Spec;
using Baton.State;
using Baton.State.Sqlite;
using Baton.Values;

namespace Baton.Engine.Tests.Fixtures;

/// <summary>
/// A stack directory in a temp folder with its baton.yaml, loaded and bound as the CLI does, with state in its
/// .baton/state.db under a fresh AES-GCM key. Each helper opens the store and a session, does one thing, and closes
/// them again, as one CLI invocation would.
/// </summary>
internal sealed class TestStack : IDisposable
{
    public static ProviderRegistry Registry { get; } = ProviderRegistry.FromAssemblies(
    [
        typeof(SimProviderFactory).Assembly,
        typeof(Baton.Providers.File.FileProviderFactory).Assembly,
    ]);

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(AesGcmSecretProtector.KeySize);

    private TestStack(string directory) => Directory = directory;

    public string Directory { get; }

    public string StatePath => Path.Combine(Directory, ".baton", "state.db");

    public string WorldPath => Path.Combine(Directory, ".baton", "sim-world.db");

    /// <summary>Variables given as --var would give them.</summary>
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>A new stack directory holding <paramref name="yaml"/> as baton.yaml.</summary>
    public static TestStack Create(string yaml)
    {
        var stack = new TestStack(System.IO.Directory.CreateTempSubdirectory("baton-engine-").FullName);
        stack.Write(yaml);
        return stack;
    }

    public void Write(string yaml) => File.WriteAllText(Path.Combine(Directory, StackLoader.MainFileName), yaml);

    public SimWorld World() => SimWorld.Open(WorldPath);

    /// <summary>Loads and binds the stack as the CLI does; fails the test on any error.</summary>
    public BoundStack Bind()
    {
        var diagnostics = new DiagnosticBag();
        var spec = StackLoader.Load(Directory, ".", diagnostics);
        Assert.NotNull(spec);
        var inputs = Variables.Select(v => new VariableInput
        {
            Name = v.Key,
            Value = Value.String(v.Value),
            Source = VariableSource.CommandLine,
            Origin = $"--var {v.Key}",
            IsRawText = true,
        }).ToList();
        var bound = StackBinder.Bind(spec, inputs, new StackFileHost(Directory), new BindOptions { RequireAllVariables = true }, diagnostics);
        ProviderSchemaChecker.Check(spec, Registry, diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Select(d => $"{d.Code}: {d.Message}")));
        Assert.True(bound.IsAcyclic);
        return bound;
    }

    /// <summary>Opens the store and a session over the stack as it is on disk now.</summary>
    public async Task<OpenStack> OpenAsync()
    {
        var bound = Bind();
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        var protector = new AesGcmSecretProtector(_key);
        var stores = await SqliteStores.OpenAsync(StatePath, protector, TimeProvider.System, CancellationToken.None);
        var session = new StackSession(bound, Directory, stores.State, stores.Locks, stores.Applies, Registry, new StackFileHost(Directory), TimeProvider.System);
        return new OpenStack(session, stores, protector);
    }

    /// <summary>Plans under the lock (after recovery), as <c>baton plan</c> does.</summary>
    public async Task<Planned> PlanAsync(PlanOptions? options = null, bool refresh = true)
    {
        await using var open = await OpenAsync();
        return await open.PlanAsync(options, refresh);
    }

    /// <summary>Plans and applies, as <c>baton apply --auto-approve</c> does; fails the test if the plan has errors.</summary>
    public async Task<Applied> ApplyAsync(PlanOptions? planOptions = null, ApplyOptions? applyOptions = null, IApplyObserver? observer = null, bool refresh = true)
    {
        await using var open = await OpenAsync();
        await using var holder = await open.Session.LockAsync("apply", TimeSpan.FromSeconds(5), CancellationToken.None);
        await open.Session.RecoverAsync(holder, CancellationToken.None);
        var diagnostics = new DiagnosticBag();
        var (plan, state, _) = await open.Session.PlanAsync(planOptions ?? new PlanOptions(), refresh, diagnostics, CancellationToken.None);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Select(d => $"{d.Code}: {d.Message}")));
        var result = await open.Session.ApplyAsync(holder, plan, state, applyOptions ?? new ApplyOptions(), observer, CancellationToken.None, CancellationToken.None);
        return new Applied(plan, result);
    }

    /// <summary>Plans a destroy and applies it.</summary>
    public Task<Applied> DestroyAsync(IApplyObserver? observer = null) =>
        ApplyAsync(new PlanOptions { Destroy = true }, observer: observer);

    public async Task<StackState> StateAsync()
    {
        await using var open = await OpenAsync();
        return await open.Stores.State.LoadAsync(open.Session.Name, CancellationToken.None);
    }

    public void Dispose()
    {
        // SQLite pools connections; clear them so the files can go.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>A plan with what was found making it.</summary>
    public sealed record Planned(Plan Plan, StackState State, IReadOnlyList<string> Gone, DiagnosticBag Diagnostics)
    {
        public ResourceChange Change(string address) => Assert.Single(Plan.Changes, c => c.Key == address);

        /// <summary>Address → action, for every change (no-ops included).</summary>
        public IDictionary<string, ChangeAction> Actions => Plan.Changes.ToDictionary(c => c.Key, c => c.Action, StringComparer.Ordinal);
    }

    /// <summary>An apply and the plan it carried out.</summary>
    public sealed record Applied(Plan Plan, ApplyResult Result)
    {
        public OperationOutcome Outcome(string address) => Assert.Single(Result.Operations, o => o.Change.Key == address).Outcome;
    }

    /// <summary>Open stores and a session; disposing closes both.</summary>
    public sealed class OpenStack(StackSession session, StateStores stores, AesGcmSecretProtector protector) : IAsyncDisposable
    {
        public StackSession Session { get; } = session;

        public StateStores Stores { get; } = stores;

        public AesGcmSecretProtector Protector { get; } = protector;

        public async Task<Planned> PlanAsync(PlanOptions? options = null, bool refresh = true)
        {
            await using (var holder = await Session.LockAsync("plan", TimeSpan.FromSeconds(5), CancellationToken.None))
            {
                await Session.RecoverAsync(holder, CancellationToken.None);
            }

            var diagnostics = new DiagnosticBag();
            var (plan, state, gone) = await Session.PlanAsync(options ?? new PlanOptions(), refresh, diagnostics, CancellationToken.None);
            return new Planned(plan, state, gone, diagnostics);
        }

        public async ValueTask DisposeAsync()
        {
            await Session.DisposeAsync();
            await Stores.DisposeAsync();
            Protector.Dispose();
        }
    }
}
