using System.Text.Json.Serialization;

namespace Shop;

/// <summary>Source-generated JSON for the shop's answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Product[]))]
[JsonSerializable(typeof(StoredUpload))]
internal sealed partial class ShopJson : JsonSerializerContext;
