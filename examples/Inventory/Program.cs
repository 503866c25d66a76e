using Inventory;

var app = InventoryApp.Build(args);
await app.RunAsync().ConfigureAwait(false);
