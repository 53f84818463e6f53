export const handler = async (event: APIGatewayEvent, ctx: Context) => {
  const q = event.queryStringParameters?.q;
  // ruleid: lambda-ts
  eval(q);
};
