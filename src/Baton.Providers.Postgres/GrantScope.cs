namespace Baton.Providers.Postgres;

/// <summary>What a <c>postgres.grant</c> applies to.</summary>
internal enum GrantScope
{
    /// <summary>The database itself (CONNECT, CREATE, TEMPORARY).</summary>
    Database,

    /// <summary>One schema in the database (USAGE, CREATE).</summary>
    Schema,

    /// <summary>Every table, view, materialized view and foreign table in one schema (SELECT, INSERT, …).</summary>
    Tables,
}
