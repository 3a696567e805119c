using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Binding;
using Baton.Cli.Output;
using Baton.Engine;
using Baton.Engine.Planning;
using Baton.State;
using Baton.Values;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton hosts</c>: the stack's inventory of remote hosts, as bound to its variables, with whether each answers
/// and its facts (all hosts asked at once, one command each); <c>--offline</c> lists the inventory without connecting.
/// </summary>
internal static class HostsCommand
{
    public static Command Create(CliContext context)
    {
        var stack = new StackArguments();
        var json = new Option<bool>("--json") { Description = "Print the hosts as JSON" };
        var offline = new Option<bool>("--offline") { Description = "List the inventory without connecting to the hosts" };
        var command = new Command(
            "hosts",
            "List the stack's remote hosts (hosts:): name, groups, address, SSH user and become; whether each answers and its facts (OS, arch, CPUs, memory). Exits 1 when a host does not answer.");
        stack.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(offline);
        command.SetAction((parse, cancellationToken) => Workspace.GuardAsync(context, async () =>
        {
            var loaded = stack.Load(parse, context, new BindOptions());
            if (loaded.Diagnostics.HasErrors || loaded.Bound is not { } bound)
            {
                DiagnosticPrinter.Print(context, loaded.SortedDiagnostics, loaded.Spec?.Files ?? []);
                return ExitCodes.Error;
            }

            var hosts = bound.Inventory.Hosts;
            var probed = new Dictionary<string, (HostFactsRecord? Record, string? Error)>(StringComparer.Ordinal);
            if (!parse.GetValue(offline) && !hosts.IsEmpty)
            {
                var directory = Workspace.StackDirectory(parse, context, stack);
                await using var providers = StackSession.ProvidersFor(bound, Workspace.Registry, directory, new Spec.StackFileHost(directory), TimeProvider.System);
                var diagnostics = new Diagnostics.DiagnosticBag();
                foreach (var (host, record, error) in await FactsGatherer.ProbeAsync(bound, providers, TimeProvider.System, diagnostics, cancellationToken))
                {
                    probed[host] = (record, error);
                }

                if (diagnostics.HasErrors)
                {
                    DiagnosticPrinter.Print(context, diagnostics.Sorted(), loaded.Spec!.Files);
                    return ExitCodes.Error;
                }
            }

            var unreachable = probed.Values.Count(p => p.Error is not null);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(Json(hosts, probed));
                return unreachable > 0 ? ExitCodes.Error : ExitCodes.Ok;
            }

            if (hosts.IsEmpty)
            {
                context.Out.WriteLine("The stack has no hosts: declare them under hosts:.");
                return ExitCodes.Ok;
            }

            var asked = probed.Count > 0;
            var rows = hosts.Select(h =>
            {
                string[] row =
                [
                    h.Name,
                    string.Join(",", h.Groups),
                    Endpoint(h),
                    h.User,
                    h.Become ? "sudo" + (h.BecomeUser is { } user ? " -u " + user : "") : "-",
                ];
                return asked ? [.. row, .. FactCells(probed.GetValueOrDefault(h.Name))] : row;
            }).ToList();
            string[] header = asked ? ["HOST", "GROUPS", "ADDRESS", "USER", "BECOME", "REACHABLE", "OS", "ARCH", "CPUS", "MEMORY"] : ["HOST", "GROUPS", "ADDRESS", "USER", "BECOME"];
            var widths = header.Select((title, i) => rows.Max(r => r[i].Length) is var widest && widest > title.Length ? widest : title.Length).ToArray();
            context.Out.WriteLine(Line(header, widths));
            foreach (var row in rows)
            {
                context.Out.WriteLine(Line(row, widths));
            }

            foreach (var host in hosts)
            {
                if (probed.GetValueOrDefault(host.Name).Error is { } error)
                {
                    context.Out.WriteLine($"\n{host.Name}: {error}");
                }
            }

            var summary = $"\n{DiagnosticPrinter.Plural(hosts.Length, "host")} in {DiagnosticPrinter.Plural(bound.Inventory.Groups.Count, "group")}";
            context.Out.WriteLine(asked ? $"{summary}, {hosts.Length - unreachable} reachable." : summary + ".");
            return unreachable > 0 ? ExitCodes.Error : ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The REACHABLE, OS, ARCH, CPUS and MEMORY cells of a host that was asked.</summary>
    private static string[] FactCells((HostFactsRecord? Record, string? Error) probe)
    {
        if (probe.Record is not { Facts: { Kind: ValueKind.Map } facts })
        {
            return [probe.Error is null ? "?" : "no", "-", "-", "-", "-"];
        }

        string Text(Value? value) => value is { Kind: ValueKind.String } text ? text.AsString() : value is { Kind: ValueKind.Number } number ? number.ToDisplayString() : "-";
        Value? Get(Value map, string key) => map.Kind == ValueKind.Map && map.AsMap().TryGetValue(key, out var found) ? found : null;
        var os = Get(facts, "os") ?? Value.EmptyMap;
        var name = Text(Get(os, "id")) + (Get(os, "version") is { Kind: ValueKind.String } version ? " " + version.AsString() : "");
        var memory = Get(facts, "memory_mb") is { Kind: ValueKind.Number } mb ? $"{mb.AsNumber().ToString("0", CultureInfo.InvariantCulture)} MB" : "-";
        return ["yes", name, Text(Get(facts, "arch")), Text(Get(facts, "cpus")), memory];
    }

    private static string Endpoint(InventoryHost host) =>
        (host.Address.Contains(':', StringComparison.Ordinal) ? "[" + host.Address + "]" : host.Address) + ":" + host.Port.ToString(CultureInfo.InvariantCulture);

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, i) => i == cells.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd();

    private static string Json(IEnumerable<InventoryHost> hosts, Dictionary<string, (HostFactsRecord? Record, string? Error)> probed)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var host in hosts)
            {
                writer.WriteStartObject();
                writer.WriteString("name", host.Name);
                writer.WriteStartArray("groups");
                foreach (var group in host.Groups)
                {
                    writer.WriteStringValue(group);
                }

                writer.WriteEndArray();
                writer.WriteString("address", host.Address);
                writer.WriteNumber("port", host.Port);
                writer.WriteString("user", host.User);
                writer.WriteBoolean("become", host.Become);
                if (host.BecomeUser is { } becomeUser)
                {
                    writer.WriteString("become_user", becomeUser);
                }

                writer.WriteBoolean("private_key", host.PrivateKey is not null || host.PrivateKeyFile is not null);
                if (host.KnownHostsFile is { } knownHosts)
                {
                    writer.WriteString("known_hosts", knownHosts);
                }

                writer.WritePropertyName("vars");
                writer.WriteRawValue(ValueJson.ToJson(host.Vars, ValueJsonOptions.Redacted));
                if (probed.TryGetValue(host.Name, out var probe))
                {
                    writer.WriteBoolean("reachable", probe.Record is not null);
                    if (probe.Error is { } error)
                    {
                        writer.WriteString("error", error);
                    }

                    if (probe.Record is { } record)
                    {
                        writer.WritePropertyName("facts");
                        writer.WriteRawValue(ValueJson.ToJson(record.Facts, ValueJsonOptions.Redacted));
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
