using Baton.Diagnostics;
using Baton.Expressions;

namespace Baton.Spec.Declarations;

/// <summary>
/// A group of remote hosts under <c>hosts:</c>, as written: its addresses and how to reach them over SSH. Every
/// setting is an expression over variables (the inventory is known before a plan); the binder checks and evaluates
/// them into the stack's inventory.
/// </summary>
public sealed record HostGroupSpec
{
    /// <summary>The group's name, which resources name in <c>hosts:</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Where the name is declared.</summary>
    public required SourceSpan NameSpan { get; init; }

    /// <summary>The hosts: a list of <c>host</c>, <c>host:port</c> or maps with <c>address</c>, <c>name</c>, <c>port</c>, <c>user</c> and <c>vars</c>.</summary>
    public Expression? Addresses { get; init; }

    /// <summary>The group's other settings (user, port, keys, known hosts, become, vars), a map expression; null when there are none.</summary>
    public Expression? Settings { get; init; }

    /// <summary>Where the group is written.</summary>
    public required SourceSpan Span { get; init; }
}
