using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Binding;
using Baton.Cli.Output;

namespace Baton.Cli.Commands;

/// <summary><c>baton hosts</c>: the stack's inventory of remote hosts, as bound to its variables.</summary>
internal static class HostsCommand
{
    public static Command Create(CliContext context)
    {
        var stack = new StackArguments();
        var json = new Option<bool>("--json") { Description = "Print the hosts as JSON" };
        var command = new Command("hosts", "List the stack's remote hosts (hosts:): name, groups, address, SSH user and become.");
        stack.AddTo(command);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var loaded = stack.Load(parse, context, new BindOptions());
            if (loaded.Diagnostics.HasErrors || loaded.Bound is not { } bound)
            {
                DiagnosticPrinter.Print(context, loaded.SortedDiagnostics, loaded.Spec?.Files ?? []);
                return ExitCodes.Error;
            }

            var hosts = bound.Inventory.Hosts;
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(Json(hosts));
                return ExitCodes.Ok;
            }

            if (hosts.IsEmpty)
            {
                context.Out.WriteLine("The stack has no hosts: declare them under hosts:.");
                return ExitCodes.Ok;
            }

            var rows = hosts.Select(h => new[]
            {
                h.Name,
                string.Join(",", h.Groups),
                Endpoint(h),
                h.User,
                h.Become ? "sudo" + (h.BecomeUser is { } user ? " -u " + user : "") : "-",
            }).ToList();
            string[] header = ["HOST", "GROUPS", "ADDRESS", "USER", "BECOME"];
            var widths = header.Select((title, i) => rows.Max(r => r[i].Length) is var widest && widest > title.Length ? widest : title.Length).ToArray();
            context.Out.WriteLine(Line(header, widths));
            foreach (var row in rows)
            {
                context.Out.WriteLine(Line(row, widths));
            }

            context.Out.WriteLine($"\n{DiagnosticPrinter.Plural(hosts.Length, "host")} in {DiagnosticPrinter.Plural(bound.Inventory.Groups.Count, "group")}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Endpoint(InventoryHost host) =>
        (host.Address.Contains(':', StringComparison.Ordinal) ? "[" + host.Address + "]" : host.Address) + ":" + host.Port.ToString(CultureInfo.InvariantCulture);

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, i) => i == cells.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd();

    private static string Json(IEnumerable<InventoryHost> hosts)
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
                writer.WriteRawValue(Values.ValueJson.ToJson(host.Vars, Values.ValueJsonOptions.Redacted));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
