import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandResults, Commands, RoomView, TopicProposalView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import {
  CreateTopicDto,
  ProposalsQuery,
  ProposeTopicDto,
  RejectTopicDto,
  TopicDirectoryQuery,
} from './dto/topics.dto';

/**
 * Topic rooms: a public directory. Site admins create topics and decide on proposals; anyone,
 * guests too, joins one with `POST /rooms/:roomId/join` (optionally under an alias).
 */
@ApiTags('topics')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('topics')
export class TopicsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({
    summary: 'The topic directory: member counts and last activity, most recently active first',
  })
  directory(
    @CurrentUser() user: AccessClaims,
    @Query() q: TopicDirectoryQuery,
  ): Promise<{ rooms: RoomView[] }> {
    return this.rpc.request(Commands.TOPIC_DIRECTORY, { actorId: user.sub, ...q });
  }

  @Post()
  @ApiOperation({ summary: 'Create a topic room (admins only); you become its owner' })
  @ApiResponse({ status: 403, description: 'room.forbidden' })
  create(@CurrentUser() user: AccessClaims, @Body() dto: CreateTopicDto): Promise<RoomView> {
    return this.rpc.request(Commands.TOPIC_CREATE, {
      actorId: user.sub,
      actorName: user.name,
      actorRole: user.role,
      ...dto,
    });
  }

  @Post('proposals')
  @ApiOperation({ summary: 'Propose a topic (registered users; admins decide)' })
  @ApiResponse({ status: 403, description: 'room.guests_not_allowed' })
  propose(@CurrentUser() user: AccessClaims, @Body() dto: ProposeTopicDto): Promise<TopicProposalView> {
    return this.rpc.request(Commands.TOPIC_PROPOSE, {
      actorId: user.sub,
      actorName: user.name,
      actorRole: user.role,
      ...dto,
    });
  }

  @Get('proposals')
  @ApiOperation({ summary: 'Proposals: all of them for admins, your own otherwise' })
  proposals(
    @CurrentUser() user: AccessClaims,
    @Query() q: ProposalsQuery,
  ): Promise<{ proposals: TopicProposalView[] }> {
    return this.rpc.request(Commands.TOPIC_PROPOSALS_LIST, { actorId: user.sub, actorRole: user.role, ...q });
  }

  @Post('proposals/:proposalId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a proposal (admins only): creates the topic room' })
  @ApiResponse({ status: 403, description: 'room.forbidden' })
  @ApiResponse({ status: 409, description: 'room.proposal_decided' })
  approve(
    @CurrentUser() user: AccessClaims,
    @Param('proposalId', uuidParam) proposalId: string,
  ): Promise<CommandResults[typeof Commands.TOPIC_PROPOSAL_APPROVE]> {
    return this.rpc.request(Commands.TOPIC_PROPOSAL_APPROVE, {
      actorId: user.sub,
      actorName: user.name,
      actorRole: user.role,
      proposalId,
    });
  }

  @Post('proposals/:proposalId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a proposal with a reason (admins only); the proposer is told' })
  reject(
    @CurrentUser() user: AccessClaims,
    @Param('proposalId', uuidParam) proposalId: string,
    @Body() dto: RejectTopicDto,
  ): Promise<TopicProposalView> {
    return this.rpc.request(Commands.TOPIC_PROPOSAL_REJECT, {
      actorId: user.sub,
      actorRole: user.role,
      proposalId,
      reason: dto.reason,
    });
  }
}
