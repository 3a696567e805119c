using Baton.Diagnostics;

namespace Baton.Spec.Declarations;

/// <summary>
/// One entry of a resource's <c>notifies:</c> (<c>{ restart: app_service, timing: delayed }</c>) or
/// <c>subscribes:</c> (<c>{ reload: site_conf }</c>), as written: when the notifying resource changes, the verb runs on
/// the notified one.
/// </summary>
public sealed record NotificationSpec
{
    /// <summary>What to run on the notified resource: restart, reload, run, …</summary>
    public required string Verb { get; init; }

    /// <summary>Where the verb is written.</summary>
    public required SourceSpan VerbSpan { get; init; }

    /// <summary>The other resource: the notified one under <c>notifies:</c>, the notifying one under <c>subscribes:</c>.</summary>
    public required NameReference Resource { get; init; }

    /// <summary>Whether the verb runs right after the change (<c>immediate</c>) or once after the apply's changes (<c>delayed</c>, the default).</summary>
    public bool Immediate { get; init; }

    /// <summary>Whether the entry is written under <c>subscribes:</c> (on the notified resource).</summary>
    public bool IsSubscription { get; init; }

    /// <summary>Where the entry is written.</summary>
    public required SourceSpan Span { get; init; }
}
