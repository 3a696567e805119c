using Baton.Providers.Process;
using Baton.Providers.Tests.Conformance;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Tests.Process;

/// <summary>
/// A stack and state directory and providers on them. On dispose every replica any registry file names is killed
/// (by pid, only while its start time still matches) and the directories are removed.
/// </summary>
internal sealed class ProcessFixture : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<(int Pid, long Ticks)> _extra = [];

    public ProcessFixture()
    {
        Directory.CreateDirectory(Stack);
        Directory.CreateDirectory(State);
    }

    public string Stack => _directory.Combine("stack");

    public string State => _directory.Combine("stack", ".baton");

    public string Registry => Path.Combine(State, "process", "registry");

    public ProviderConfiguration Configuration() => new()
    {
        InstanceName = "process",
        Settings = Value.EmptyMap,
        StackDirectory = Stack,
        StateDirectory = State,
    };

    public async Task<IProvider> StartAsync() => await new ProcessProviderFactory().StartAsync(Configuration());

    /// <summary>Kills this process too on dispose.</summary>
    public void Track(int pid)
    {
        if (ProcessGroups.StartTicks(pid) is { } ticks)
        {
            _extra.Add((pid, ticks));
        }
    }

    public void Dispose()
    {
        var replicas = new List<(int Pid, long Ticks)>(_extra);
        if (Directory.Exists(Registry))
        {
            foreach (var file in Directory.GetFiles(Registry, "*.json"))
            {
                var record = new ServiceRegistry(Registry).Find(Path.GetFileNameWithoutExtension(file));
                replicas.AddRange(record?.Replicas.Select(r => (r.Pid, r.StartTicks)) ?? []);
            }
        }

        foreach (var (pid, ticks) in replicas)
        {
            if (ProcessGroups.IsAlive(pid, ticks))
            {
                Signals.Send(pid, Signals.Kill);
            }
        }

        // A killed replica's wrapper writes its exit file just after: the removal may race it once or twice.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _directory.Dispose();
                return;
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(50);
            }
        }
    }
}
