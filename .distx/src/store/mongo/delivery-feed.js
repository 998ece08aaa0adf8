import { follow } from './follow.js';
const CHANGES = [
    { $match: { operationType: 'update', 'updateDescription.updatedFields.deliveryChange': { $exists: true } } },
    { $project: { 'updateDescription.updatedFields.deliveryChange': 1 } },
];
/** The ids in a deliveryChange value: everything after the nonce. */
export const changedIds = (value) => (value ? value.split('|').slice(1).filter(Boolean) : []);
export async function watchDeliveryChanges(addresses, onChange, onError) {
    const stream = addresses.watch(CHANGES);
    return follow(stream, (change) => {
        const ids = changedIds(change.updateDescription?.updatedFields?.deliveryChange);
        if (ids.length > 0)
            onChange(ids);
    }, (error) => error, onError);
}
//# sourceMappingURL=delivery-feed.js.map