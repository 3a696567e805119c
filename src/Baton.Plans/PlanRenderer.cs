using System.Text;
using Baton.Values;

namespace Baton.Plans;

/// <summary>
/// Renders a plan as a diff people can review: <c>+</c> create, <c>~</c> update in place, <c>-/+</c> replace,
/// <c>-</c> delete, with nested property changes, <c>(known after apply)</c> for unknown values, <c>(sensitive)</c> for
/// secrets, what forces each replacement, and a summary line.
/// </summary>
public static class PlanRenderer
{
    /// <summary>The plan as text, with ANSI colours when <paramref name="colour"/>.</summary>
    public static string Render(Plan plan, bool colour)
    {
        var builder = new StringBuilder();
        var changes = plan.Changes.Where(c => c.Action != ChangeAction.NoOp).ToList();
        if (changes.Count == 0 && plan.Notifications.IsEmpty)
        {
            builder.Append("No changes. The resources match the stack.\n");
            return builder.ToString();
        }

        builder.Append("Baton will perform these actions:\n");
        foreach (var change in changes)
        {
            builder.Append('\n');
            RenderChange(builder, change, colour);
        }

        if (!plan.Notifications.IsEmpty)
        {
            builder.Append("\nNotifications:\n");
            foreach (var notification in plan.Notifications)
            {
                builder.Append("  ").Append(Paint("!", "36", colour)).Append(' ').Append(notification.Verb).Append(' ')
                    .Append(Paint(notification.Target, "1", colour))
                    .Append(notification.Pending
                        ? $", queued by {notification.Source} in an apply that stopped before it ran"
                        : $" ({notification.Timing}), because {notification.Source} changes")
                    .Append('\n');
            }
        }

        builder.Append('\n').Append(Summary(plan)).Append('\n');
        return builder.ToString();
    }

    /// <summary>The one-line count of changes.</summary>
    public static string Summary(Plan plan) =>
        $"Plan: {plan.Count(ChangeAction.Create)} to create, {plan.Count(ChangeAction.Update)} to update, "
        + $"{plan.Count(ChangeAction.Replace)} to replace, {plan.Count(ChangeAction.Delete)} to delete"
        + (plan.Notifications.IsEmpty ? "." : $", {plan.Notifications.Length} to notify.");

    private static void RenderChange(StringBuilder builder, ResourceChange change, bool colour)
    {
        var (symbol, verb, code) = change.Action switch
        {
            ChangeAction.Create => ("+", "will be created", "32"),
            ChangeAction.Update => ("~", "will be updated in place", "33"),
            ChangeAction.Replace => (change.CreateBeforeDestroy ? "+/-" : "-/+", change.CreateBeforeDestroy ? "will be replaced, the new one created first" : "must be replaced", "35"),
            ChangeAction.Delete => ("-", "will be deleted", "31"),
            _ => (" ", string.Empty, "0"),
        };
        var title = change.DeposedKey is null ? change.Address : $"{change.Address} (deposed object {change.DeposedKey})";
        builder.Append("  ").Append(Paint(symbol, code, colour)).Append(' ').Append(Paint(title, "1", colour))
            .Append(" (").Append(change.Type).Append(") ").Append(verb);
        if (change.Reason is { } reason)
        {
            builder.Append(": ").Append(reason);
        }
        else if (!change.ReplaceBecause.IsEmpty)
        {
            builder.Append(", because ").Append(string.Join(", ", change.ReplaceBecause)).Append(" changed");
        }

        builder.Append('\n');
        switch (change.Action)
        {
            case ChangeAction.Create:
                RenderAll(builder, "+", change.After ?? change.Inputs ?? Value.EmptyMap, 6, colour, "32");
                break;
            case ChangeAction.Update:
            case ChangeAction.Replace:
                RenderDiff(builder, change.PriorInputs ?? Value.EmptyMap, change.Inputs ?? Value.EmptyMap, 6, colour, change.ReplaceBecause);
                RenderDrift(builder, change, colour);
                break;
            default:
                break;
        }
    }

    private static void RenderAll(StringBuilder builder, string symbol, Value map, int indent, bool colour, string code)
    {
        if (map.Kind != ValueKind.Map)
        {
            return;
        }

        var width = map.AsMap().Keys.Select(k => k.Length).DefaultIfEmpty(0).Max();
        foreach (var (key, value) in map.AsMap())
        {
            if (value.Kind == ValueKind.Null)
            {
                continue;
            }

            if (value is { Kind: ValueKind.String, IsSensitive: false } text && TextDiff.IsMultiline(text.AsString()))
            {
                // Text of several lines (a configuration file) as its lines.
                builder.Append(' ', indent).Append(Paint(symbol, code, colour)).Append(' ').Append(key).Append(":\n");
                RenderLines(builder, TextDiff.LinesOf(text.AsString()).Select(l => "  " + l).ToList(), indent + 4, colour);
                continue;
            }

            builder.Append(' ', indent).Append(Paint(symbol, code, colour)).Append(' ').Append(key.PadRight(width)).Append(" = ").Append(Show(value)).Append('\n');
        }
    }

    /// <summary>
    /// What refresh found different from what the change makes, beyond the inputs' diff: an attribute changed outside
    /// Baton (a file edited by hand shows as the diff of its content) or one the change recomputes.
    /// </summary>
    private static void RenderDrift(StringBuilder builder, ResourceChange change, bool colour)
    {
        if (change.Before is not { Kind: ValueKind.Map } before || change.After is not { Kind: ValueKind.Map } after)
        {
            return;
        }

        var prior = change.PriorInputs is { Kind: ValueKind.Map } p ? p.AsMap() : Value.EmptyMap.AsMap();
        var inputs = change.Inputs is { Kind: ValueKind.Map } i ? i.AsMap() : Value.EmptyMap.AsMap();
        foreach (var (key, planned) in after.AsMap())
        {
            var desiredChanged = inputs.TryGetValue(key, out var desired) && (!prior.TryGetValue(key, out var was) || was != desired);
            if (desiredChanged || !before.AsMap().TryGetValue(key, out var found)
                || found.Kind is ValueKind.Null || planned.Kind is ValueKind.Null || !found.IsWhollyKnown || !planned.IsWhollyKnown || found == planned)
            {
                continue;
            }

            var outside = inputs.ContainsKey(key) ? Paint("  # changed outside Baton", "33", colour) : string.Empty;
            RenderChanged(builder, key, key, found, planned, 6, colour, outside);
        }
    }

    /// <summary>One changed value: <c>~ name = before → after</c>, or the unified diff of two texts of several lines.</summary>
    private static void RenderChanged(StringBuilder builder, string key, string name, Value a, Value b, int indent, bool colour, string note)
    {
        if (a is { Kind: ValueKind.String, IsSensitive: false } x && b is { Kind: ValueKind.String, IsSensitive: false } y && (TextDiff.IsMultiline(x.AsString()) || TextDiff.IsMultiline(y.AsString())))
        {
            builder.Append(' ', indent).Append(Paint("~", "33", colour)).Append(' ').Append(key).Append(':').Append(note).Append('\n');
            RenderLines(builder, TextDiff.Lines(x.AsString(), y.AsString()), indent + 4, colour);
            return;
        }

        builder.Append(' ', indent).Append(Paint("~", "33", colour)).Append(' ').Append(name).Append(" = ").Append(Show(a)).Append(" → ").Append(Show(b)).Append(note).Append('\n');
    }

    /// <summary>Lines of a text or a diff, at most <see cref="TextDiff.MaxLines"/>, coloured by their first character.</summary>
    private static void RenderLines(StringBuilder builder, IReadOnlyList<string> lines, int indent, bool colour)
    {
        foreach (var line in lines.Take(TextDiff.MaxLines))
        {
            var code = line.Length == 0 ? null : line[0] switch { '+' => "32", '-' => "31", '@' => "36", _ => null };
            builder.Append(' ', indent).Append(code is null ? line : Paint(line, code, colour)).Append('\n');
        }

        if (lines.Count > TextDiff.MaxLines)
        {
            builder.Append(' ', indent).Append($"… {lines.Count - TextDiff.MaxLines} more lines\n");
        }
    }

    private static void RenderDiff(StringBuilder builder, Value before, Value after, int indent, bool colour, System.Collections.Immutable.ImmutableArray<string> forcing)
    {
        var old = before.Kind == ValueKind.Map ? before.AsMap() : Value.EmptyMap.AsMap();
        var now = after.Kind == ValueKind.Map ? after.AsMap() : Value.EmptyMap.AsMap();
        var keys = old.Keys.Union(now.Keys).Order(StringComparer.Ordinal).ToList();
        var width = keys.Select(k => k.Length).DefaultIfEmpty(0).Max();
        foreach (var key in keys)
        {
            var had = old.TryGetValue(key, out var a) && a.Kind != ValueKind.Null;
            var has = now.TryGetValue(key, out var b) && b.Kind != ValueKind.Null;
            var forces = forcing.Contains(key) ? Paint("  # forces replacement", "35", colour) : string.Empty;
            if (had && has && a! == b! && a!.IsWhollyKnown)
            {
                continue;
            }

            var name = key.PadRight(width);
            if (!had)
            {
                builder.Append(' ', indent).Append(Paint("+", "32", colour)).Append(' ').Append(name).Append(" = ").Append(Show(b!)).Append(forces).Append('\n');
            }
            else if (!has)
            {
                builder.Append(' ', indent).Append(Paint("-", "31", colour)).Append(' ').Append(name).Append(" = ").Append(Show(a!)).Append(forces).Append('\n');
            }
            else if (a!.Kind == ValueKind.Map && b!.Kind == ValueKind.Map && !a.IsSensitive && !b.IsSensitive)
            {
                builder.Append(' ', indent).Append(Paint("~", "33", colour)).Append(' ').Append(key).Append(" {").Append(forces).Append('\n');
                RenderDiff(builder, a, b, indent + 4, colour, []);
                builder.Append(' ', indent + 2).Append("}\n");
            }
            else
            {
                RenderChanged(builder, key, name, a, b!, indent, colour, forces);
            }
        }
    }

    /// <summary>A value in expression syntax: secrets as (sensitive), unknowns as (known after apply).</summary>
    /// <summary>A value as the diff shows it (secrets redacted).</summary>
    public static string Show(Value value) => value.ToString();

    private static string Paint(string text, string code, bool colour) => colour ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
