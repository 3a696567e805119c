using System.Text.Json;

namespace Baton.Plans;

/// <summary>
/// A verb the apply will run on a resource instance because another changed (<c>notifies:</c>/<c>subscribes:</c>),
/// or because an earlier apply queued it and was interrupted before it ran.
/// </summary>
public sealed record PlannedNotification
{
    /// <summary>The instance the verb runs on.</summary>
    public required string Target { get; init; }

    /// <summary>The verb: restart, reload, run, …</summary>
    public required string Verb { get; init; }

    /// <summary>The instance whose change sends it.</summary>
    public required string Source { get; init; }

    /// <summary><c>delayed</c> (once, after the apply's changes) or <c>immediate</c> (right after the source's change).</summary>
    public required string Timing { get; init; }

    /// <summary>Whether an earlier, interrupted apply queued it (it runs even though nothing changes now).</summary>
    public bool Pending { get; init; }

    /// <summary>Writes <paramref name="notifications"/> as the array <paramref name="name"/> of objects with target, verb, source, timing and pending.</summary>
    public static void WriteArray(Utf8JsonWriter writer, string name, IEnumerable<PlannedNotification> notifications)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(notifications);
        writer.WriteStartArray(name);
        foreach (var notification in notifications)
        {
            writer.WriteStartObject();
            writer.WriteString("target", notification.Target);
            writer.WriteString("verb", notification.Verb);
            writer.WriteString("source", notification.Source);
            writer.WriteString("timing", notification.Timing);
            writer.WriteBoolean("pending", notification.Pending);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
