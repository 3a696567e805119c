using System.Diagnostics;
using System.Globalization;
using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Process;

/// <summary>
/// Runs replicas as local processes for the shared <see cref="ReplicaSet{TReplica}"/>: started detached by
/// <see cref="ReplicaLauncher"/>, known by pid and start time, remembered in the <see cref="ServiceRegistry"/>, with
/// their output in log files under the state directory.
/// </summary>
internal sealed class ProcessDriver(string stackDirectory, string logDirectory, ServiceRegistry registry, TimeProvider time) : IReplicaDriver<ReplicaRecord>
{
    /// <summary>Inputs whose change restarts every replica; a change of <c>replicas</c> alone only scales.</summary>
    public static readonly string[] ReplacingInputs = ["command", "env", "working_dir", "port"];

    /// <summary>The fields of a replica's state only processes have.</summary>
    public static readonly (string Name, BatonType Type)[] IdentityFields = [("pid", BatonType.Number), ("start_time", BatonType.Number)];

    public ServiceRegistry Registry => registry;

    public ReplicaSettings Settings(Value inputs) => ServiceSpec.Read(inputs, []).Settings;

    public bool Replaces(Value before, Value after) => !ServicePlanning.SameInputs(ReplacingInputs, before, after);

    public bool Runs(ServiceState<ReplicaRecord> service, ReplicaRecord replica, Value inputs) => !Replaces(service.InputsOf(replica), inputs);

    public ValueTask<ReplicaStatus> StatusAsync(ServiceState<ReplicaRecord> service, ReplicaRecord replica, CancellationToken cancellationToken) =>
        ValueTask.FromResult(replica.IsAlive ? ReplicaStatus.Running : new ReplicaStatus(false, ExitCodeOf(service.Address, replica)));

    public async ValueTask<ReplicaStart<ReplicaRecord>> StartAsync(ServiceState<ReplicaRecord> service, Value inputs, int index, int? port, CancellationToken cancellationToken)
    {
        var spec = ServiceSpec.Read(inputs, []);
        var logPath = LogPath(service.Address, index);

        // The log is shared with the replica this one replaces: its own output starts here.
        var mark = File.Exists(logPath) ? new FileInfo(logPath).Length : 0;
        var (replica, error) = await ReplicaLauncher.StartAsync(index, spec.Command, spec.Env, WorkingDirectory(spec), port, logPath, cancellationToken);
        return replica is null
            ? new ReplicaStart<ReplicaRecord>(null, $"{error}\n{ReplicaLauncher.Tail(logPath, mark)}", mark)
            : new ReplicaStart<ReplicaRecord>(replica, null, mark);
    }

    public Task StopAsync(ServiceState<ReplicaRecord> service, Value inputs, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var settings = Settings(inputs);
        return ReplicaLauncher.StopAsync(replica, settings.StopSignal, settings.StopTimeout, time, cancellationToken);
    }

    public Task SaveAsync(ServiceState<ReplicaRecord> service, CancellationToken cancellationToken)
    {
        registry.Save(service);
        return Task.CompletedTask;
    }

    /// <summary>Runs the check's argv in the service's working directory, with the replica's port as <c>PORT</c>.</summary>
    public async Task<bool> ExecCheckAsync(HealthCheck check, ServiceState<ReplicaRecord> service, Value inputs, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(check.Exec[0]) { WorkingDirectory = WorkingDirectory(ServiceSpec.Read(inputs, [])), UseShellExecute = false };
        foreach (var argument in check.Exec.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        if (replica.Port is { } port)
        {
            info.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    public int FreePort() => LoopbackPorts.Free();

    public bool PortInUse(int port) => LoopbackPorts.InUse(port);

    public string Describe(ReplicaRecord replica) => $"pid {replica.Pid}";

    public Task<string> LogTailAsync(ServiceState<ReplicaRecord> service, ReplicaRecord replica, long logMark, CancellationToken cancellationToken) =>
        Task.FromResult(ReplicaLauncher.Tail(LogPath(service.Address, replica.Index), logMark));

    /// <summary>The fields of a replica's state only processes have: its pid and start time.</summary>
    public static IEnumerable<KeyValuePair<string, Value>> Identity(ReplicaRecord replica) =>
        [new("pid", Value.Number(replica.Pid)), new("start_time", Value.Number(replica.StartTicks))];

    /// <summary>The exit status the wrapper recorded for <paramref name="replica"/>, or null (alive, or not known).</summary>
    public int? ExitCodeOf(string address, ReplicaRecord replica) =>
        replica.Launch is { } launch ? ReplicaLauncher.ExitCode(ReplicaLauncher.ExitPath(LogPath(address, replica.Index), launch)) : null;

    public string WorkingDirectory(ServiceSpec spec) => Path.GetFullPath(Path.Combine(stackDirectory, spec.WorkingDir ?? "."));

    public string LogPath(string address, int index)
    {
        var safe = string.Concat(address.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        return Path.Combine(logDirectory, safe, $"{index}.log");
    }

    /// <summary>
    /// Removes the exit files of stopped replicas. Their wrappers write them just after the replicas are gone, so each
    /// is waited for (up to a second) first.
    /// </summary>
    public async Task ForgetExitFilesAsync(string address, IEnumerable<ReplicaRecord> replicas, CancellationToken cancellationToken)
    {
        var files = replicas.Where(r => r.Launch is not null).Select(r => ReplicaLauncher.ExitPath(LogPath(address, r.Index), r.Launch!)).ToList();
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(1);
        while (files.Any(f => !File.Exists(f)) && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }

        foreach (var file in files)
        {
            File.Delete(file);
        }
    }

    /// <summary>Removes the exit files of replicas <paramref name="record"/> no longer holds (stopped or replaced).</summary>
    public void PruneExitFiles(ServiceState<ReplicaRecord> record)
    {
        var directory = Path.GetDirectoryName(LogPath(record.Address, 0))!;
        if (!Directory.Exists(directory))
        {
            return;
        }

        var kept = record.Replicas.Where(r => r.Launch is not null).Select(r => ReplicaLauncher.ExitPath(LogPath(record.Address, r.Index), r.Launch!)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.exit"))
        {
            if (!kept.Contains(file))
            {
                File.Delete(file);
            }
        }
    }
}
