import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context#InventoryContext',
        mappers: {
          Product: '../stock/stock-level#ProductStock',
          ProductVariant: '../stock/stock-level#ProductStock',
          Stock: '../stock/stock-level#StockFigures',
          StockLevel: '../stock/stock-reports#StockLevelRow',
          StockMovement: '../db/schema#StockMovementRow',
          StockLevelConnection: '../stock/stock-reports#StockLevelPage',
          StockMovementConnection: '../stock/stock-reports#StockMovementPage',
          Reservation: '../reservations/reservation#ReservationRecord',
          ReservationLine: '../reservations/reserve-request#ReservedLine',
        },
        scalars: { DateTime: 'Date' },
      },
    },
  },
};

export default config;
