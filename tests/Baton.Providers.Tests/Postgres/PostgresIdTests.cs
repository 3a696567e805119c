using Baton.Providers.Postgres;

namespace Baton.Providers.Tests.Postgres;

public sealed class PostgresIdTests
{
    [Theory]
    [InlineData("app", "shop", null)]
    [InlineData("a\" on database \"b", "x\".\"y", "s\"\"")]
    [InlineData("\"", "\"\"", ".")]
    [InlineData("ü ∂ 雪", "on tables", "public")]
    public void GrantId_AnyNames_ParsesBack(string role, string database, string? schema)
    {
        foreach (var scope in schema is null ? [GrantScope.Database] : new[] { GrantScope.Schema, GrantScope.Tables })
        {
            var grant = new GrantSpec { Role = role, Database = database, On = scope, Schema = schema };
            var parsed = GrantSpec.FromId(grant.Id);
            Assert.NotNull(parsed);
            Assert.Equal((role, database, scope, schema), (parsed.Role, parsed.Database, parsed.On, parsed.Schema));
        }
    }

    [Theory]
    [InlineData("shop", "citext")]
    [InlineData("a\".\"b", "c\"")]
    [InlineData("\"", ".")]
    public void ExtensionId_AnyNames_ParsesBack(string database, string name)
    {
        var parsed = ExtensionSpec.FromId(new ExtensionSpec(name, database, null, null).Id);
        Assert.Equal((name, database), (parsed?.Name, parsed?.Database));
    }

    [Theory]
    [InlineData("conformance-missing-123")]
    [InlineData("\"a\" on views \"b\"")]
    [InlineData("\"a\" on database \"b\".\"c\"")]
    [InlineData("\"a\" on schema \"b\"")]
    [InlineData("\"unterminated")]
    public void GrantId_NotAGrantId_IsNull(string id) => Assert.Null(GrantSpec.FromId(id));

    [Theory]
    [InlineData("conformance-missing-123")]
    [InlineData("\"a\"")]
    [InlineData("\"a\".b")]
    [InlineData("\"a\".\"b\"c\"")]
    public void ExtensionId_NotAnExtensionId_IsNull(string id) => Assert.Null(ExtensionSpec.FromId(id));

    [Theory]
    [InlineData("temp", "database", "TEMPORARY")]
    [InlineData(" all privileges ", "schema", "ALL")]
    [InlineData("select", "tables", "SELECT")]
    [InlineData("select", "database", null)]
    [InlineData("CONNECT; DROP TABLE x", "database", null)]
    public void Privilege_Canonical_OnlyFromTheFixedList(string text, string scope, string? expected) =>
        Assert.Equal(expected, GrantPrivileges.Canonical(text, GrantSpec.ParseScope(scope)!.Value));
}
