using ErrorTelemetry;

namespace Inventory;

/// <summary>The inventory service's catalogued errors.</summary>
public static class InventoryErrors
{
    public static readonly ErrorDefinition OutOfStock = new("INVENTORY_OUT_OF_STOCK", ErrorCategory.BusinessRule, "The item is out of stock.")
    {
        Description = "A reservation asked for more units than are in stock.",
        Owner = "inventory-team",
        RunbookUrl = new Uri("https://runbooks.example.com/inventory/out-of-stock"),
        Remediation = "Restock the SKU or hide it from the storefront.",
        HttpStatus = 409,
    };

    public static readonly ErrorDefinition UnknownSku = new("INVENTORY_UNKNOWN_SKU", ErrorCategory.NotFound, "The item does not exist.")
    {
        Owner = "inventory-team",
    };
}
